using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.IntegrationTests.Worker;
using StreamNlp.Retrainer.Storage;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Labeling;

/// <summary>
/// The labelling API on the real shared HTTP host against the test broker: validation (400 naming the field,
/// nothing published), publishing (202 after the ack, the annotator as source), leasing, access, 503 without
/// Kafka, the OpenAPI document and the models view.
/// </summary>
[Collection("kafka")]
public sealed class LabelingApiTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "{\"task\":", "body" },
        { "not json at all", "body" },
        { "[\"task\"]", "body" },
        { "", "body" },
        { "{\"task\":\"poetry\",\"text\":\"Rain again.\",\"label\":\"sad\"}", "task" },
        { "{\"text\":\"Rain again.\",\"label\":\"sad\"}", "task" },
        { "{\"task\":\"sentiment\",\"text\":\"Rain again.\",\"label\":\"\"}", "label" },
        { "{\"task\":\"sentiment\",\"text\":\"Rain again.\"}", "label" },
        { "{\"task\":\"sentiment\",\"text\":\"   \",\"label\":\"negative\"}", "text" },
        { "{\"task\":\"ner\",\"text\":\"Paris\",\"entities\":[{\"start\":0,\"end\":6,\"label\":\"LOC\"}]}", "entities[0]" },
        { "{\"task\":\"ner\",\"text\":\"Paris\",\"entities\":[{\"start\":3,\"end\":3,\"label\":\"LOC\"}]}", "entities[0]" },
        { "{\"task\":\"ner\",\"text\":\"New York City\",\"entities\":[{\"start\":0,\"end\":8,\"label\":\"LOC\"},{\"start\":4,\"end\":13,\"label\":\"LOC\"}]}", "entities" },
        { "{\"task\":\"ner\",\"text\":\"Paris\",\"entities\":[{\"start\":0,\"end\":5,\"label\":\"B-LOC\"}]}", "entities[0]" },
        { "{\"task\":\"ner\",\"text\":\"Paris\"}", "entities" },
    };

    [Fact]
    public async Task PostFeedback_BadInput_400ProblemNamingTheField_NothingPublished()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker, new Dictionary<string, string?> { ["StreamNlp:Labeling:MaxBodyBytes"] = "1024" });
        var cases = BadBodies.Select(row => ((string)row[0], (string)row[1])).ToList();
        cases.Add(("{\"task\":\"sentiment\",\"label\":\"positive\",\"text\":\"" + new string('a', 2000) + "\"}", "body")); // over MaxBodyBytes

        foreach (var (body, field) in cases)
        {
            using var response = await ui.SendAsync(HttpMethod.Post, "/api/feedback", json: body);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            output.WriteLine($"{(int)response.StatusCode} {problem.GetProperty("detail").GetString()}");

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors names {field}: {problem}");
        }

        using var noAnnotator = await ui.SendAsync(HttpMethod.Post, "/api/feedback", annotator: null, json: "{\"task\":\"sentiment\",\"text\":\"Fine.\",\"label\":\"positive\"}");
        Assert.Equal(HttpStatusCode.BadRequest, noAnnotator.StatusCode);
        Assert.Contains("X-Annotator", await noAnnotator.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Empty(TopicClient.Read(ui.Bootstrap, ui.Topics.Feedback, expected: 1, TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public async Task PostFeedback_Valid_202AfterTheAck_AnnotatorIsTheSource_ItemIsDone()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker);
        await ui.ProduceReviewAsync(LabelingTestHost.Item("doc-1"));
        await ui.WaitForWaitingAsync(1, TimeSpan.FromSeconds(30));
        using var leased = await ui.SendAsync(HttpMethod.Get, "/api/review?task=classification&limit=5", annotator: "alice");
        var item = (await leased.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Single();

        var feedback = $"{{\"task\":\"classification\",\"text\":{JsonSerializer.Serialize(item.GetProperty("text").GetString())},\"label\":\"sports\",\"id\":\"doc-1\",\"source\":\"forged\"}}";
        using var response = await ui.SendAsync(HttpMethod.Post, "/api/feedback", annotator: "alice", json: feedback);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(ui.Topics.Feedback, accepted.GetProperty("topic").GetString());
        var published = Assert.Single(TopicClient.Read(ui.Bootstrap, ui.Topics.Feedback, expected: 1, TimeSpan.FromSeconds(20), settle: TimeSpan.FromSeconds(1)));
        Assert.Equal(accepted.GetProperty("offset").GetInt64(), published.Offset.Value);
        var example = FeedbackParser.Parse(published.Message.Value, 100_000).Example!;
        Assert.Equal(NlpTask.Classification, example.Task);
        Assert.Equal("sports", example.Label);
        Assert.Equal("doc-1", example.Id);
        Assert.Equal("streamnlp-ui:alice", example.Source);

        using var after = await ui.SendAsync(HttpMethod.Get, "/api/review?limit=5", annotator: "bob");
        var rest = await after.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(rest.GetProperty("items").EnumerateArray());
        Assert.Equal(0, rest.GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task GetReview_TwoAnnotators_NeverTheSameItem_SkipHandsItToTheOther()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker);
        await ui.ProduceReviewAsync(LabelingTestHost.Item("a"), LabelingTestHost.Item("b"), LabelingTestHost.Item("c"), LabelingTestHost.Item("a", "sentiment"));
        await ui.WaitForWaitingAsync(4, TimeSpan.FromSeconds(30));

        var alice = await ReviewIds(ui, "alice", "classification", 2);
        var bob = await ReviewIds(ui, "bob", "classification", 2);
        var bobAgain = await ReviewIds(ui, "bob", "classification", 2);

        Assert.Equal(2, alice.Count);
        Assert.Single(bob);
        Assert.Empty(alice.Intersect(bob));
        Assert.Equal(bob, bobAgain); // bob's own lease, renewed; nothing of alice's
        using (var notHis = await ui.SendAsync(HttpMethod.Post, $"/api/review/{alice[0]}/skip", annotator: "bob"))
        {
            Assert.Equal(HttpStatusCode.Conflict, notHis.StatusCode);
        }

        using (var skip = await ui.SendAsync(HttpMethod.Post, $"/api/review/{alice[0]}/skip", annotator: "alice"))
        {
            Assert.Equal(HttpStatusCode.NoContent, skip.StatusCode);
        }

        Assert.Contains(alice[0], await ReviewIds(ui, "bob", "classification", 5));
        Assert.DoesNotContain(alice[0], await ReviewIds(ui, "alice", "classification", 5));
        using var unknown = await ui.SendAsync(HttpMethod.Post, "/api/review/classification-0-999/skip", annotator: "alice");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Single(await ReviewIds(ui, "carol", "sentiment", 5)); // the sentiment item of record "a" is its own item
    }

    [Theory]
    [InlineData("/api/review?task=poetry", "task")]
    [InlineData("/api/review?limit=0", "limit")]
    [InlineData("/api/review?limit=51", "limit")]
    public async Task GetReview_BadQuery_400NamingIt(string path, string field)
    {
        await using var ui = await LabelingTestHost.StartAsync(broker);

        using var response = await ui.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Api_WithAToken_401WithoutIt_200WithIt_PageStillServed()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker, new Dictionary<string, string?> { ["StreamNlp:Http:Token"] = "t0ken-for-tests" });

        using var none = await ui.SendAsync(HttpMethod.Get, "/api/review");
        using var wrong = await ui.SendAsync(HttpMethod.Get, "/api/review", token: "nope");
        using var right = await ui.SendAsync(HttpMethod.Get, "/api/review", token: "t0ken-for-tests");
        using var page = await ui.SendAsync(HttpMethod.Get, "/");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task PostFeedback_KafkaUnavailable_503WithTheReason()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker, new Dictionary<string, string?>
        {
            ["StreamNlp:Kafka:BootstrapServers"] = "127.0.0.1:9",
            ["StreamNlp:Labeling:PublishTimeoutMs"] = "1500",
        });

        using var response = await ui.SendAsync(HttpMethod.Post, "/api/feedback", json: "{\"task\":\"sentiment\",\"text\":\"Fine.\",\"label\":\"positive\"}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine(problem.ToString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Kafka did not acknowledge", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("nothing was published", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_Page_Models_AreServed()
    {
        await using var ui = await LabelingTestHost.StartAsync(broker);
        using (var store = new FeedbackStore(ui.DatabasePath))
        {
            store.RecordRun(new RetrainRun(
                NlpTask.Classification, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow, 250, "v2", "v3",
                new Dictionary<string, double> { ["feedbackHoldout"] = 0.61, ["baseDev"] = 0.898 },
                new Dictionary<string, double> { ["feedbackHoldout"] = 0.74, ["baseDev"] = 0.893 },
                RetrainDecisions.Promoted, "better on the held-out feedback"));
        }

        var openApi = await ui.Http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/review", paths);
        Assert.Contains("/api/feedback", paths);
        Assert.Contains("/api/review/{id}/skip", paths);
        Assert.Contains("/api/models", paths);
        Assert.True(openApi.GetProperty("paths").GetProperty("/api/feedback").GetProperty("post").GetProperty("responses").TryGetProperty("503", out _));

        using var page = await ui.Http.GetAsync(new Uri("/", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("StreamNlp labelling", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.StartsWith("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        using var script = await ui.Http.GetAsync(new Uri("/app.js", UriKind.Relative));
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        var models = await ui.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/models", UriKind.Relative));
        var classification = models.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "classification");
        // Seeded from the shipped models: v1 (published encoder) and v2 (adapted encoder, current).
        Assert.Equal("v2", classification.GetProperty("current").GetString());
        var versions = classification.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["v1", "v2"], versions.Select(v => v.GetProperty("version").GetString()).Order(StringComparer.Ordinal));
        var v2 = versions.Single(v => v.GetProperty("version").GetString() == "v2");
        Assert.InRange(v2.GetProperty("dev").GetDouble(), 0.85, 0.95);
        Assert.Equal(0.61, v2.GetProperty("feedbackHoldout").GetDouble(), 3);
        var decision = models.GetProperty("decisions").EnumerateArray().Single();
        Assert.Equal("promoted", decision.GetProperty("decision").GetString());
        Assert.Equal(0.74, decision.GetProperty("challengerMetrics").GetProperty("feedbackHoldout").GetDouble(), 3);
    }

    private static async Task<List<string>> ReviewIds(LabelingTestHost ui, string annotator, string task, int limit)
    {
        using var response = await ui.SendAsync(HttpMethod.Get, $"/api/review?task={task}&limit={limit}", annotator: annotator);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reviewId").GetString()!)];
    }
}
