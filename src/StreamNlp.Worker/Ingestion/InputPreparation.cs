using System.Diagnostics;
using Confluent.Kafka;
using StreamNlp.Core.Contracts;
using StreamNlp.Models.Segmentation;

namespace StreamNlp.Worker.Ingestion;

/// <summary>
/// Parses one consumed record and cuts its text into encoder sequences (segments) on the consume thread. Nothing a record holds can throw out
/// of here: a parse or tokenizer failure becomes the record's dead-letter reason, so one bad record never
/// stops the consume loop (and with it, its partition).
/// </summary>
public sealed class InputPreparation(TextSegmenter segmenter, int maxTokens, int maxBytes)
{
    public ConsumedInput Prepare(ConsumeResult<byte[]?, byte[]?> result, long generation)
    {
        var value = result.Message.Value;
        InputParseResult parsed;
        SegmentedText? segments = null;
        try
        {
            parsed = InputParser.Parse(value ?? [], maxBytes);
        }
        catch (Exception ex)
        {
            parsed = InputParseResult.Invalid(InputErrors.ProcessingFailed, $"parsing failed: {ex.GetType().Name}: {ex.Message}");
        }

        if (parsed.IsValid)
        {
            try
            {
                segments = segmenter.Segment(parsed.Text!, maxTokens);
            }
            catch (Exception ex)
            {
                parsed = InputParseResult.Invalid(InputErrors.TokenizationFailed, $"{ex.GetType().Name}: {ex.Message}");
            }
        }

        return new ConsumedInput(
            result.TopicPartitionOffset,
            result.Message.Key,
            value,
            result.Message.Headers,
            result.Message.Timestamp,
            Stopwatch.GetTimestamp(),
            parsed,
            segments,
            generation);
    }
}
