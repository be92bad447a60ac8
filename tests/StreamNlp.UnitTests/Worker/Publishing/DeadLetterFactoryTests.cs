using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using StreamNlp.Core.Contracts;
using StreamNlp.Kafka.DeadLetters;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.UnitTests.Worker.Publishing;

public sealed class DeadLetterFactoryTests
{
    private static readonly DeadLetterFactory Factory = new("dlq", new FakeTimeProvider(), DeadLetterFactory.DefaultMaxMessageBytes);

    [Fact]
    public void Create_SmallValue_KeepsValueKeyAndHeaders()
    {
        var headers = new Headers { { "trace", "abc"u8.ToArray() } };
        var input = Input("{\"text\": 1}"u8.ToArray(), headers);

        var letter = Factory.Create(input, InputErrors.TextNotString, "\"text\" is a JSON number");

        Assert.Equal(input.Value, letter.Message.Value);
        Assert.Equal("k"u8.ToArray(), letter.Message.Key);
        Assert.Equal("abc", Header(letter, "trace"));
        Assert.Equal(InputErrors.TextNotString, Header(letter, DeadLetterHeaders.Error));
        Assert.Equal("7", Header(letter, DeadLetterHeaders.SourceOffset));
        Assert.Null(letter.Message.Headers.FirstOrDefault(h => h.Key == DeadLetterHeaders.ValueTruncated));
    }

    [Fact]
    public void Create_NearLimitValue_KeepsAPrefixWithinTheLimitAndDescribesTheWhole()
    {
        var value = new byte[999_900];
        new Random(7).NextBytes(value);

        var letter = Factory.Create(Input(value, null), InputErrors.Oversize, "too big");
        var size = letter.Message.Value.Length + letter.Message.Key!.Length
                   + letter.Message.Headers.Sum(h => h.Key.Length + h.GetValueBytes().Length);

        Assert.True(size < DeadLetterFactory.DefaultMaxMessageBytes - 512, $"dead letter is {size} bytes");
        Assert.Equal(value[..letter.Message.Value.Length], letter.Message.Value);
        Assert.Equal("999900", Header(letter, DeadLetterHeaders.OriginalSize));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(value)), Header(letter, DeadLetterHeaders.OriginalSha256));
        Assert.Equal(letter.Message.Value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter, DeadLetterHeaders.ValueTruncated));
    }

    [Fact]
    public void Create_HugeInputHeaders_AreDroppedAndCounted()
    {
        var headers = new Headers { { "a", new byte[600_000] }, { "b", new byte[10] } };

        var letter = Factory.Create(Input("x"u8.ToArray(), headers), InputErrors.Oversize, "too big");

        Assert.Equal("2", Header(letter, DeadLetterHeaders.HeadersDropped));
        Assert.Null(letter.Message.Headers.FirstOrDefault(h => h.Key == "a"));
        Assert.Equal("x"u8.ToArray(), letter.Message.Value);
    }

    [Fact]
    public void Create_Tombstone_StaysATombstone()
    {
        var letter = Factory.Create(Input(null, null), InputErrors.EmptyValue, "value is empty or null");

        Assert.Null(letter.Message.Value);
    }

    [Fact]
    public void Create_LongDetail_IsCut()
    {
        var letter = Factory.Create(Input("x"u8.ToArray(), null), InputErrors.ProcessingFailed, new string('d', 50_000));

        Assert.InRange(Header(letter, DeadLetterHeaders.ErrorDetail).Length, 100, 2001);
    }

    private static ConsumedInput Input(byte[]? value, Headers? headers) => new(
        new TopicPartitionOffset("in", 0, 7),
        "k"u8.ToArray(),
        value,
        headers,
        new Timestamp(DateTime.UtcNow),
        0,
        InputParseResult.Invalid(InputErrors.EmptyValue, "x"),
        null);

    private static string Header(OutgoingRecord record, string key) =>
        Encoding.UTF8.GetString(record.Message.Headers.Single(h => h.Key == key).GetValueBytes());
}
