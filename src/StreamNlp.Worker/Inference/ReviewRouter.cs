using System.Text.Json;
using Confluent.Kafka;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Inference;
using StreamNlp.Worker.Configuration;
using StreamNlp.Worker.Ingestion;
using StreamNlp.Worker.Publishing;

namespace StreamNlp.Worker.Inference;

/// <summary>
/// Decides which results people should look at: per task, a result whose confidence is below the
/// configured threshold becomes a <see cref="ReviewItem"/> on the review topic (keyed like its input).
/// Confidence is the top label's probability, or for NER the weakest entity's score.
/// </summary>
public sealed class ReviewRouter(string reviewTopic, ReviewOptions thresholds)
{
    public IEnumerable<OutgoingRecord> ItemsFor(ConsumedInput input, string id, TextAnnotation annotation, IReadOnlyDictionary<string, string> versions)
    {
        if (annotation.Classification is { } topic && topic.Score < thresholds.Classification)
        {
            yield return Item(input, NlpTask.Classification, id, versions, topic.Score, topic, null);
        }

        if (annotation.Sentiment is { } sentiment && sentiment.Score < thresholds.Sentiment)
        {
            yield return Item(input, NlpTask.Sentiment, id, versions, sentiment.Score, sentiment, null);
        }

        if (annotation.Entities.Count > 0 && annotation.Entities.Min(e => e.Score) is var weakest && weakest < thresholds.Ner)
        {
            yield return Item(input, NlpTask.Ner, id, versions, weakest, null, annotation.Entities);
        }
    }

    private OutgoingRecord Item(
        ConsumedInput input, NlpTask task, string id, IReadOnlyDictionary<string, string> versions, float confidence,
        LabelPrediction? prediction, IReadOnlyList<EntityMention>? entities)
    {
        var item = new ReviewItem
        {
            Id = id,
            Task = task.ToName(),
            Text = input.Parsed.Text!,
            Prediction = prediction,
            Entities = entities,
            Confidence = confidence,
            ModelVersion = versions.TryGetValue(task.ToName(), out var v) ? v : "",
            Source = input.Source,
        };
        var message = new Message<byte[]?, byte[]>
        {
            Key = input.Key,
            Value = JsonSerializer.SerializeToUtf8Bytes(item, ContractsJsonContext.Readable.ReviewItem),
        };
        return new OutgoingRecord(reviewTopic, message, input, OutgoingKind.Review);
    }
}
