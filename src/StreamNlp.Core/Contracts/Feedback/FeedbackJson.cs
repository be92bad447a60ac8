using System.Text.Json;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Core.Contracts.Feedback;

/// <summary>Writes a <see cref="FeedbackExample"/> as the JSON value <see cref="FeedbackParser"/> accepts.</summary>
public static class FeedbackJson
{
    /// <summary>
    /// UTF-8 JSON: <c>task</c> and <c>text</c>, then <c>label</c> (classification, sentiment) or <c>entities</c>
    /// (ner), then <c>id</c> and <c>source</c> when set.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence example without a label, or an ner example without entities.</exception>
    public static byte[] Serialize(FeedbackExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var isNer = example.Task == NlpTask.Ner;
        if (isNer && example.Entities is null)
        {
            throw new ArgumentException("An ner feedback example needs Entities (an empty list when the text has none).", nameof(example));
        }

        if (!isNer && string.IsNullOrWhiteSpace(example.Label))
        {
            throw new ArgumentException($"A {example.Task.ToName()} feedback example needs a non-empty Label.", nameof(example));
        }

        var message = new FeedbackMessage
        {
            Task = example.Task.ToName(),
            Text = example.Text,
            Label = isNer ? null : example.Label,
            Entities = isNer ? example.Entities : null,
            Id = example.Id,
            Source = example.Source,
        };
        return JsonSerializer.SerializeToUtf8Bytes(message, FeedbackJsonContext.Readable.FeedbackMessage);
    }
}
