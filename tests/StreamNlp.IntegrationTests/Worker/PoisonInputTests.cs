using System.Text;
using System.Text.Json;
using StreamNlp.IntegrationTests.Kafka;
using StreamNlp.Kafka.DeadLetters;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>Issue 12's poison pills, mixed into normal traffic: one worker stays up and accounts for every record.</summary>
[Collection("kafka")]
public sealed class PoisonInputTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Each poison value with the dead-letter reason it must get (null: it may be enriched instead).</summary>
    public static IEnumerable<(string Name, byte[]? Value, string? Reason)> Poison()
    {
        yield return ("lone-high-surrogate-text", "{\"text\": \"abc \\ud800 def\"}"u8.ToArray(), "invalid-unicode");
        yield return ("reversed-surrogates-text", "{\"text\": \"abc \\udc00\\ud800 def\"}"u8.ToArray(), "invalid-unicode");
        yield return ("lone-surrogate-id", "{\"id\": \"\\udc00\", \"text\": \"Paris is nice.\"}"u8.ToArray(), "invalid-unicode");
        yield return ("lone-surrogate-field-name", "{\"\\ud800\": 1, \"text\": \"Paris is nice.\"}"u8.ToArray(), "invalid-unicode");
        yield return ("lone-surrogate-metadata", "{\"text\": \"Paris is nice.\", \"meta\": {\"x\": \"\\ud800\"}}"u8.ToArray(), "invalid-unicode");
        yield return ("metadata-63-deep", Encoding.UTF8.GetBytes("{\"text\": \"Paris is nice.\", \"m\": " + new string('[', 63) + "1" + new string(']', 63) + "}"), "invalid-json");
        yield return ("near-limit-value", Encoding.UTF8.GetBytes(new string('a', 999_900)), "oversize");
        yield return ("tombstone", null, "empty-value");
        yield return ("only-nuls", "\0\0\0"u8.ToArray(), "empty-text");
        yield return ("only-zero-width", Encoding.UTF8.GetBytes("\u200B\u200C\u200D\uFEFF"), "empty-text");
        yield return ("invalid-utf8", [0xC3, 0x28, 0xA0, 0xA1], "invalid-utf8");
        yield return ("deeper-than-parser", Encoding.UTF8.GetBytes("{\"text\": \"x\", \"m\": " + new string('[', 200) + new string(']', 200) + "}"), "invalid-json");
        yield return ("nfd-text", Encoding.UTF8.GetBytes("Beyonce\u0301 Knowles sang in Zu\u0308rich."), null);
    }

    [Fact]
    public async Task Worker_PoisonMixedIntoNormalTraffic_StaysUpAndAccountsForEveryRecord()
    {
        output.WriteLine(broker.Describe());
        var topics = TestTopics.Fresh();
        await using var worker = await WorkerTestHost.StartAsync(broker, topics);
        var poison = Poison().ToList();
        var messages = new List<(string? Key, byte[]? Value)>();
        for (var i = 0; i < 200; i++)
        {
            messages.Add(($"normal-{i}", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = $"n-{i}", text = $"Message {i}: Angela Merkel met Emmanuel Macron in Berlin." }))));
            if (i % 15 == 0 && i / 15 < poison.Count)
            {
                var (name, value, _) = poison[i / 15];
                messages.Add((name, value));
            }
        }

        var inputs = await TopicClient.ProduceWithOffsetsAsync(broker.BootstrapServers, topics.Input, messages);
        var poisonWithReason = poison.Count(p => p.Reason is not null);
        var enriched = TopicClient.Read(broker.BootstrapServers, topics.Output, messages.Count - poisonWithReason, ReadTimeout, TimeSpan.FromSeconds(1));
        var deadLetters = TopicClient.Read(broker.BootstrapServers, topics.DeadLetter, poisonWithReason, ReadTimeout, TimeSpan.FromSeconds(1));

        var invariant = DeliveryInvariant.Check(inputs, enriched, deadLetters);
        output.WriteLine(invariant.ToString());
        Assert.Empty(invariant.Missing);
        Assert.Equal(0, invariant.Duplicates);
        Assert.Equal(0, invariant.OrderViolations);
        Assert.Equal(200, enriched.Count(r => r.Message.Key!.StartsWith("normal-", StringComparison.Ordinal)));
        foreach (var (name, _, reason) in poison.Where(p => p.Reason is not null))
        {
            var letter = Assert.Single(deadLetters, d => d.Message.Key == name);
            Assert.Equal(reason, TopicClient.Header(letter, DeadLetterHeaders.Error));
        }

        var tombstone = Assert.Single(deadLetters, d => d.Message.Key == "tombstone");
        Assert.Null(tombstone.Message.Value);
        var big = Assert.Single(deadLetters, d => d.Message.Key == "near-limit-value");
        Assert.Equal("999900", TopicClient.Header(big, DeadLetterHeaders.OriginalSize));
        Assert.InRange(big.Message.Value!.Length, 1, 999_000);
        Assert.False(worker.Worker.ExecuteTask!.IsCompleted, "the worker stopped");
    }
}
