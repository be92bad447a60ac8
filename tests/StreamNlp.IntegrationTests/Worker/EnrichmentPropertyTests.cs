using System.Reflection;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Runtime;
using StreamNlp.Tests.Shared;
using StreamNlp.Worker.Batching;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Models.Configuration;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Inference;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;
using Xunit.Abstractions;

namespace StreamNlp.IntegrationTests.Worker;

/// <summary>
/// Issue 12, "no record can crash the worker", below Kafka: random batches of hostile values go through the
/// worker's real preparation (parse, tokenize) and enrichment (shipped models on the CPU, review routing, dead
/// letters). Every input ends as exactly one enriched record or dead letter, every message fits the producer's
/// limit, and the enricher still enriches afterwards. Random seeds; a failure prints the seed (set
/// <c>CsCheck_Seed</c> to replay it).
/// </summary>
public sealed class EnrichmentPropertyTests(ITestOutputHelper output) : IDisposable
{
    private const string InputTopic = "input";
    private const string OutputTopic = "enriched";
    private const string DeadLetterTopic = "dead-letters";
    private const string ReviewTopic = "review";
    private const int MaxTokens = 256;

    /// <summary>Inputs up to the producer's limit are parsed, so a near-limit text reaches enrichment and its record must be cut.</summary>
    private const int MaxInputBytes = 1_000_000;

    private const int MessageLimit = 1_000_000;

    private const long BatchCount = 150;

    private static readonly HashSet<string> InputErrorCodes = typeof(InputErrors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    private static readonly string[] Sentences =
    [
        "Angela Merkel met Emmanuel Macron in Berlin.",
        "Barack Obama visited Paris last week.",
        "Beyonce\u0301 Knowles sang in Zu\u0308rich.",
        "Apple shares fell sharply in New York on Monday.",
        "Tim Cook said the iPhone sold well in Tokyo.",
        "The match between Real Madrid and Bayern Munich ended 2-2.",
        "I loved the film, the acting was wonderful!",
        "Microsoft opened a new office in London.",
    ];

    /// <summary>A sentence with entities, sometimes with hostile Unicode around or inside it, as plain text or a JSON record.</summary>
    private static readonly Gen<byte[]?> Sentence = Gen.Select(
        Gen.OneOf(Sentences),
        RecordGenerators.UnicodeText,
        Gen.Int[0, 3],
        Gen.Bool,
        (sentence, noise, mode, asJson) =>
        {
            var text = mode switch
            {
                0 => sentence,
                1 => noise + sentence + noise,
                2 => sentence.Replace(" ", " " + noise, StringComparison.Ordinal),
                _ => sentence.Replace("e", "e\u0301", StringComparison.Ordinal).Replace(" ", "\u200B ", StringComparison.Ordinal),
            };
            return (byte[]?)(asJson
                ? RecordGenerators.Wtf8($"{{\"id\":\"s-{mode}\",\"text\":\"{RecordGenerators.EscapeForJson(text)}\",\"tenant\":{{\"name\":\"acme\"}}}}")
                : Encoding.UTF8.GetBytes(text));
        });

    /// <summary>Values around the producer's 1,000,000-byte limit: plain text, a JSON text, a small text with huge deep metadata, random bytes.</summary>
    private static readonly Gen<byte[]?> NearLimit = Gen.Select(Gen.Int[999_800, 1_000_100], Gen.Int[0, 3], Gen.Int, BigValue);

    private static readonly Gen<byte[]?> Values = Gen.Frequency(
        (10, Gen.Const<byte[]?>(static () => null)),
        (35, RecordGenerators.InputValue.Select(v => (byte[]?)v)),
        (30, Sentence),
        (1, NearLimit));

    private static readonly Gen<byte[]?> Keys = Gen.Frequency(
        (30, Gen.Const<byte[]?>(static () => null)),
        (60, Gen.Byte.Array[0, 32].Select(k => (byte[]?)k)),
        (8, Gen.Byte.Array[0, 2000].Select(k => (byte[]?)k)),
        (1, Gen.Int[400_000, 700_000].Select(n => (byte[]?)Enumerable.Repeat((byte)'k', n).ToArray())));

    private static readonly Gen<(string Key, byte[]? Value)[]> HeaderSets = Gen.Frequency(
        (60, Gen.Const(Array.Empty<(string, byte[]?)>())),
        (30, Gen.Select(RecordGenerators.UnicodeText, Gen.Byte.Array[0, 64].Null(0.1), (k, v) => (k, v)).Array[1, 3]),
        (1, Gen.Int[300_000, 600_000].Select(n => new (string, byte[]?)[] { ("trace", Enumerable.Repeat((byte)'h', n).ToArray()) })));

    private static readonly Gen<RawInput> Inputs = Gen.Select(Keys, Values, HeaderSets, Gen.Int[-1, 60_000], (key, value, headers, ageMs) => new RawInput(key, value, headers, ageMs));

    private static readonly Gen<RawInput[]> Batches = Inputs.Array[1, 16];

    private readonly string _registry = Path.Combine(Path.GetTempPath(), $"streamnlp-property-models-{Guid.NewGuid():N}");

    [Fact]
    public async Task EnrichAsync_RandomBatches_EveryInputEndsEnrichedOrDeadLetteredAndTheEnricherStaysUp()
    {
        using var models = new ModelBundleProvider(
            Options.Create(new ModelOptions { Directory = _registry, ExecutionProvider = ExecutionProvider.Cpu }),
            NullLogger<ModelBundleProvider>.Instance);
        var preparation = new InputPreparation(models.Current.Segmenter, MaxTokens, MaxInputBytes);
        var deadLetters = new DeadLetterFactory(DeadLetterTopic, TimeProvider.System);
        var review = new ReviewRouter(ReviewTopic, new ReviewOptions { Classification = 0.8, Sentiment = 0.8, Ner = 0.8 });
        var enricher = new BatchEnricher(models, OutputTopic, deadLetters, review, ResiliencePipeline.Empty, TimeProvider.System, NullLogger.Instance,
            DeadLetterFactory.DefaultMaxMessageBytes, new LengthGrouping(new BatchPolicy(8, TimeSpan.Zero, 8192), 0.10)) // several encoder runs per batch
        {
            SegmentPaddingWaste = 0.10, // and several passes per run over their sentences
        };
        var tally = new Tally();
        long offset = 0;

        await Batches.SampleAsync(
            async batch =>
            {
                var consumed = batch.Select(raw => preparation.Prepare(raw.ToConsumeResult(Interlocked.Increment(ref offset)), generation: 0)).ToList();
                var records = (await enricher.EnrichAsync(consumed, CancellationToken.None)).Records;
                AssertEveryInputAccountedFor(consumed, records, tally);
            },
            iter: BatchCount,
            threads: 1, // the worker enriches one batch at a time
            print: batch => string.Join("\n", batch.Select(raw => raw.ToString())),
            writeLine: output.WriteLine);
        output.WriteLine(tally.ToString());

        // The generators reached what the properties are about.
        Assert.True(tally.Enriched > 0, tally.ToString());
        Assert.True(tally.Entities > 0, tally.ToString());
        Assert.True(tally.Reviews > 0, tally.ToString());
        Assert.Contains(InputErrors.EmptyValue, tally.DeadLetters.Keys);
        Assert.Contains(InputErrors.InvalidUtf8, tally.DeadLetters.Keys);
        Assert.Contains(InputErrors.InvalidJson, tally.DeadLetters.Keys);
        Assert.Contains(InputErrors.InvalidUnicode, tally.DeadLetters.Keys);

        // And the enricher is still up: a normal batch after all that is enriched.
        var normal = preparation.Prepare(new RawInput(null, "Angela Merkel met Emmanuel Macron in Berlin."u8.ToArray(), [], 0).ToConsumeResult(++offset), generation: 0);
        var after = (await enricher.EnrichAsync([normal], CancellationToken.None)).Records;
        Assert.Equal(OutgoingKind.Enriched, after.First(r => r.Kind != OutgoingKind.Review).Kind);
    }

    public void Dispose()
    {
        if (Directory.Exists(_registry))
        {
            Directory.Delete(_registry, recursive: true);
        }
    }

    private static void AssertEveryInputAccountedFor(List<ConsumedInput> consumed, IReadOnlyList<OutgoingRecord> records, Tally tally)
    {
        // Exactly one enriched record or dead letter per input, in input order (the order they are published and committed in).
        var primary = records.Where(r => r.Kind is OutgoingKind.Enriched or OutgoingKind.DeadLetter).ToList();
        Assert.Equal(consumed.Count, primary.Count);
        for (var i = 0; i < consumed.Count; i++)
        {
            Assert.Same(consumed[i], primary[i].Input);
        }

        foreach (var record in records)
        {
            Assert.Contains(consumed, c => ReferenceEquals(c, record.Input));
            var size = Size(record.Message);
            Assert.True(size < MessageLimit, $"a {record.Kind} message of {size} bytes for {record.Input.Source}");
            switch (record.Kind)
            {
                case OutgoingKind.Enriched:
                    AssertEnriched(record, tally);
                    break;
                case OutgoingKind.DeadLetter:
                    AssertDeadLetter(record, tally);
                    break;
                default:
                    Assert.Equal(OutgoingKind.Review, record.Kind);
                    Assert.Equal(ReviewTopic, record.Topic);
                    Assert.Contains(primary, p => p.Kind == OutgoingKind.Enriched && ReferenceEquals(p.Input, record.Input));
                    using (var document = JsonDocument.Parse(record.Message.Value))
                    {
                        Assert.Equal(record.Input.Parsed.Text, document.RootElement.GetProperty("text").GetString());
                    }

                    tally.Reviews++;
                    break;
            }
        }
    }

    private static void AssertEnriched(OutgoingRecord record, Tally tally)
    {
        var input = record.Input;
        Assert.Equal(OutputTopic, record.Topic);
        Assert.True(input.Parsed.IsValid);
        Assert.Null(record.ErrorCode);
        Assert.Same(input.Key, record.Message.Key);

        // Any consumer with default JSON settings reads it.
        using var document = JsonDocument.Parse(record.Message.Value);
        var root = document.RootElement;
        var text = root.GetProperty("text").GetString()!;
        Assert.Equal(input.Parsed.Text, text);
        Assert.Equal(input.Parsed.Id ?? input.Source.ToString(), root.GetProperty("id").GetString());
        Assert.Equal(input.Coordinates.Offset.Value, root.GetProperty("source").GetProperty("offset").GetInt64());
        Assert.Equal(input.Segments!.Truncated, root.GetProperty("truncated").GetBoolean());
        foreach (var entity in root.GetProperty("entities").EnumerateArray())
        {
            var start = entity.GetProperty("start").GetInt32();
            var end = entity.GetProperty("end").GetInt32();
            Assert.InRange(start, 0, text.Length);
            Assert.InRange(end, start, text.Length);
            Assert.Equal(text[start..end], entity.GetProperty("text").GetString());
            tally.Entities++;
        }

        tally.Enriched++;
    }

    private static void AssertDeadLetter(OutgoingRecord record, Tally tally)
    {
        var input = record.Input;
        var headers = record.Message.Headers;
        Assert.Equal(DeadLetterTopic, record.Topic);
        Assert.True(headers.TryGetLastBytes(DeadLetterHeaders.Error, out var codeBytes), "no streamnlp-error header");
        var code = Encoding.UTF8.GetString(codeBytes);
        Assert.Contains(code, InputErrorCodes);
        Assert.Equal(record.ErrorCode, code);
        Assert.True(headers.TryGetLastBytes(DeadLetterHeaders.ErrorDetail, out var detail) && detail.Length > 0, "no error detail");
        Assert.Equal(input.Coordinates.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetString(headers.GetLastBytes(DeadLetterHeaders.SourceOffset)));
        if (!input.Parsed.IsValid)
        {
            Assert.Equal(input.Parsed.ErrorCode, code);
        }
        else
        {
            Assert.Contains(code, new[] { InputErrors.InferenceFailed, InputErrors.OutputFailed });
        }

        // The original value, or (when it would not fit) a prefix of it; a tombstone stays a tombstone.
        if (input.Value is null)
        {
            Assert.Null(record.Message.Value);
        }
        else
        {
            Assert.NotNull(record.Message.Value);
            Assert.True(input.Value.AsSpan().StartsWith(record.Message.Value), "the dead letter's value is not the input's");
        }

        tally.DeadLetters[code] = tally.DeadLetters.GetValueOrDefault(code) + 1;
    }

    /// <summary>What the producer counts against <c>message.max.bytes</c>, less framing: key, value, header names and values.</summary>
    private static int Size(Message<byte[]?, byte[]> message) =>
        (message.Key?.Length ?? 0)
        + (message.Value?.Length ?? 0)
        + (message.Headers?.Sum(h => Encoding.UTF8.GetByteCount(h.Key) + (h.GetValueBytes()?.Length ?? 0)) ?? 0);

    private static byte[]? BigValue(int size, int kind, int seed)
    {
        switch (kind)
        {
            case 0:
                return Fill("", "Angela Merkel met Emmanuel Macron in Berlin. ", "", size);
            case 1:
                return Fill("{\"id\":\"big\",\"text\":\"", "Barack Obama visited Paris. ", "\"}", size);
            case 2:
                var open = "{\"text\":\"Paris is nice.\",\"m\":" + new string('[', 60) + "\"";
                var close = "\"" + new string(']', 60) + "}";
                return Fill(open, "x", close, size);
            default:
                var bytes = new byte[size];
                new Random(seed).NextBytes(bytes);
                return bytes;
        }
    }

    /// <summary>Exactly <paramref name="size"/> bytes of ASCII: <paramref name="head"/>, <paramref name="filler"/> repeated, <paramref name="tail"/>.</summary>
    private static byte[] Fill(string head, string filler, string tail, int size)
    {
        var builder = new StringBuilder(size);
        builder.Append(head);
        while (builder.Length < size - tail.Length)
        {
            builder.Append(filler);
        }

        builder.Length = size - tail.Length;
        builder.Append(tail);
        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private sealed record RawInput(byte[]? Key, byte[]? Value, (string Key, byte[]? Value)[] HeaderList, int AgeMs)
    {
        public ConsumeResult<byte[]?, byte[]?> ToConsumeResult(long offset)
        {
            var headers = new Headers();
            foreach (var (key, value) in HeaderList)
            {
                headers.Add(key, value);
            }

            return new ConsumeResult<byte[]?, byte[]?>
            {
                TopicPartitionOffset = new TopicPartitionOffset(InputTopic, new Partition(0), new Offset(offset)),
                Message = new Message<byte[]?, byte[]?>
                {
                    Key = Key,
                    Value = Value,
                    Headers = headers,
                    Timestamp = AgeMs < 0 ? Timestamp.Default : new Timestamp(DateTime.UtcNow.AddMilliseconds(-AgeMs)),
                },
            };
        }

        public override string ToString() =>
            $"key {RecordGenerators.Describe(Key)}; headers {HeaderList.Length} ({HeaderList.Sum(h => h.Value?.Length ?? 0)} bytes); value {RecordGenerators.Describe(Value)}";
    }

    private sealed class Tally
    {
        public int Enriched { get; set; }

        public int Entities { get; set; }

        public int Reviews { get; set; }

        public Dictionary<string, int> DeadLetters { get; } = new(StringComparer.Ordinal);

        public override string ToString() =>
            $"enriched {Enriched} (entities {Entities}), reviews {Reviews}, dead letters: "
            + string.Join(", ", DeadLetters.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key} {d.Value}"));
    }
}
