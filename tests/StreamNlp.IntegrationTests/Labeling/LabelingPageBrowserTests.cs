using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Http;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Telemetry;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Labeling.Hosting;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Labeling;

/// <summary>
/// The labelling page in a real browser (Debian's Chromium driven by Playwright; nothing downloads a browser):
/// the worker runs on the test broker with every result below its review threshold, then a person labels two
/// items with the keyboard and marks one entity with a mouse selection; three feedback messages must arrive on
/// the feedback topic, and the page must move on.
/// </summary>
[Collection("kafka")]
public sealed class LabelingPageBrowserTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    /// <summary>The browser: <c>STREAMNLP_CHROMIUM</c>, else Debian's package (<c>apt-get install chromium</c>).</summary>
    private static string ChromiumPath => Environment.GetEnvironmentVariable("STREAMNLP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    // An emoji (two UTF-16 code units) before the entity, so offsets must be UTF-16 on both sides.
    private const string EntityText = "\U0001F642 Angela Merkel flew to Berlin on Tuesday.";
    private const string Place = "Berlin";

    // Beyond ASCII: the page sends it percent-encoded in the X-Annotator header.
    private const string Annotator = "Zoë";

    [SkippableFact]
    public async Task Page_TwoItemsByKeyboard_OneEntityByMouse_ThreeFeedbackMessages_AndThePageMovesOn()
    {
        Skip.IfNot(File.Exists(ChromiumPath), $"no Chromium at {ChromiumPath} (apt-get install chromium, or set STREAMNLP_CHROMIUM)");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var topics = TestTopics.Fresh();
        var port = FreePort.Next();
        await using var worker = await WorkerTestHost.StartAsync(broker, topics, new Dictionary<string, string?>
        {
            ["StreamNlp:Http:Port"] = $"{port}",
            ["StreamNlp:Labeling:GroupId"] = topics.Group + "-labeling",
            // every result is "low confidence": each text gives a classification, a sentiment and an ner item
            ["StreamNlp:Review:Classification"] = "1",
            ["StreamNlp:Review:Sentiment"] = "1",
            ["StreamNlp:Review:Ner"] = "1",
        }, configure: builder => builder.AddLabeling());
        await worker.Host.Services.GetRequiredService<HttpEndpoint>().Started;
        await TopicClient.ProduceTextsAsync(broker.BootstrapServers, topics.Input,
            ["Shares of the carmaker fell after the quarterly report.", EntityText]);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 760 } });
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith($"http://127.0.0.1:{port}/", StringComparison.Ordinal))
            {
                failedRequests.Add("off-host: " + request.Url);
            }
        };
        await page.GotoAsync($"http://127.0.0.1:{port}/");
        await page.FillAsync("#annotator", Annotator);
        await page.PressAsync("#annotator", "Enter");
        await page.SelectOptionAsync("#task", "classification");

        // 1. the first classification item: a number key chooses a label other than the model's guess
        var first = await WaitForItemAsync(page, previous: null);
        var firstText = await page.InnerTextAsync("#text");
        var offered = await page.Locator("#labels li").AllInnerTextsAsync();
        var firstGuess = LabelOf(await page.InnerTextAsync("#labels li.guess"));
        var chosen = offered.Select((text, index) => (Label: LabelOf(text), Key: index + 1)).First(l => l.Label != firstGuess);
        await page.Keyboard.PressAsync($"{chosen.Key}");
        // 2. the second: Enter accepts the model's guess
        var second = await WaitForItemAsync(page, previous: first);
        var secondText = await page.InnerTextAsync("#text");
        var secondGuess = LabelOf(await page.InnerTextAsync("#labels li.guess"));
        await page.Keyboard.PressAsync("Enter");
        await WaitForItemAsync(page, previous: second, allowEmpty: true);

        // 3. an ner item: remove the model's entity on the place (if it found one), select the place with the mouse, type LOC, Enter
        await page.SelectOptionAsync("#task", "ner");
        var nerItem = await WaitForItemAsync(page, previous: null, textContains: "Merkel");
        if (await page.QuerySelectorAsync($"#text mark.entity:text-is('{Place}')") is { } modelEntity)
        {
            await modelEntity.ClickAsync();
        }

        await page.WaitForSelectorAsync($"#text mark.entity:text-is('{Place}')", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        var (x1, y1, x2, y2) = await PlaceCoordinatesAsync(page);
        await page.Mouse.MoveAsync(x1, y1);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(x2, y2, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync("#text mark.pending");
        var labels = await page.Locator("#labels li").AllInnerTextsAsync();
        var loc = labels.Select((text, index) => (text, index)).Single(l => l.text.EndsWith(" LOC", StringComparison.Ordinal)).index + 1;
        await page.Keyboard.PressAsync($"{loc}");
        await page.WaitForSelectorAsync($"#text mark.entity:text-is('{Place}')");
        await SaveScreenshotAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await WaitForItemAsync(page, previous: nerItem, allowEmpty: true);

        var feedback = TopicClient.Read(broker.BootstrapServers, topics.Feedback, expected: 3, TimeSpan.FromSeconds(30), settle: TimeSpan.FromSeconds(2))
            .Select(r => FeedbackParser.Parse(r.Message.Value, 100_000))
            .ToList();
        foreach (var f in feedback)
        {
            output.WriteLine(f.Example is { } e ? $"{e.Task} {e.Label} [{string.Join(", ", e.Entities?.Select(x => $"{x.Start}-{x.End} {x.Label}") ?? [])}] {e.Source}" : f.ErrorDetail);
        }

        Assert.Equal(3, feedback.Count);
        Assert.All(feedback, f => Assert.Equal($"streamnlp-ui:{Annotator}", f.Example!.Source));
        var classification = feedback.Where(f => f.Example!.Task == NlpTask.Classification).Select(f => f.Example!).ToList();
        Assert.Equal(2, classification.Count);
        Assert.NotEqual(firstGuess, chosen.Label);
        Assert.Equal(chosen.Label, classification.Single(c => c.Text == firstText).Label);
        Assert.Equal(secondGuess, classification.Single(c => c.Text == secondText).Label);
        var ner = feedback.Single(f => f.Example!.Task == NlpTask.Ner).Example!;
        Assert.Equal(EntityText, ner.Text);
        var start = EntityText.IndexOf(Place, StringComparison.Ordinal);
        Assert.Contains(new FeedbackEntity(start, start + Place.Length, "LOC"), ner.Entities!);
        Assert.Equal("labelled 3", (await page.InnerTextAsync("#counts")).Split(" · ")[0]);
        Assert.NotEqual(nerItem, await page.GetAttributeAsync("#review", "data-review-id"));
        Assert.Empty(failedRequests);
    }

    /// <summary>"3 tech" (a label button's text) → "tech".</summary>
    private static string LabelOf(string button) => button.Split(' ', 2, StringSplitOptions.TrimEntries)[1];

    /// <summary>Waits until the page shows an item other than <paramref name="previous"/> (or none, when allowed); returns its review id.</summary>
    private static async Task<string> WaitForItemAsync(IPage page, string? previous, bool allowEmpty = false, string? textContains = null)
    {
        await page.WaitForFunctionAsync(
            "([previous, allowEmpty, contains]) => { const id = document.getElementById('review').dataset.reviewId || ''; " +
            "const text = document.getElementById('text').textContent; " +
            "return (id !== '' && id !== previous && (!contains || text.includes(contains))) || (allowEmpty && id === '' && previous !== null); }",
            new object?[] { previous ?? "", allowEmpty, textContains ?? "" },
            new PageWaitForFunctionOptions { Timeout = 90_000 });
        return await page.GetAttributeAsync("#review", "data-review-id") ?? "";
    }

    /// <summary>Screen points just inside the first and last character of the place in the shown text.</summary>
    private static async Task<(float X1, float Y1, float X2, float Y2)> PlaceCoordinatesAsync(IPage page)
    {
        var box = await page.EvaluateAsync<float[]>(
            "(word) => { const container = document.getElementById('text'); const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT); " +
            "let node; while ((node = walker.nextNode())) { const at = node.textContent.indexOf(word); if (at < 0) continue; " +
            "const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + 1); const a = range.getBoundingClientRect(); " +
            "range.setStart(node, at + word.length - 1); range.setEnd(node, at + word.length); const b = range.getBoundingClientRect(); " +
            "return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2]; } return null; }",
            Place);
        return (box[0], box[1], box[2], box[3]);
    }

    /// <summary>The screenshot for the README: <c>STREAMNLP_SCREENSHOT</c> when set, else beside the test binaries.</summary>
    private async Task SaveScreenshotAsync(IPage page)
    {
        var path = Environment.GetEnvironmentVariable("STREAMNLP_SCREENSHOT") is { Length: > 0 } wanted
            ? wanted
            : Path.Combine(AppContext.BaseDirectory, "labeling-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path} ({new FileInfo(path).Length} bytes)");
    }
}
