using System.Globalization;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;

namespace StreamNlp.Retrainer.Labeling;

/// <summary>
/// The terminal dialogue of <c>streamnlp label</c> for one review item: shows the text and the
/// model's guess and turns the answer into feedback.
/// <list type="bullet">
/// <item>Enter (empty line) accepts the guess;</item>
/// <item>a label corrects it (classification, sentiment); for NER, <c>Barack Obama=PER; Paris=LOC</c>
/// names the entities (each span is the first occurrence of its text), and <c>none</c> says there are none;</item>
/// <item><c>s</c> skips, <c>q</c> quits.</item>
/// </list>
/// </summary>
public sealed class ReviewPrompt(TextReader input, TextWriter output, string source)
{
    public LabelDecision Ask(ReviewItem item)
    {
        if (!NlpTaskNames.TryParse(item.Task, out var task))
        {
            output.WriteLine($"skipping an item of unknown task '{item.Task}'");
            return LabelDecision.Skip;
        }

        output.WriteLine();
        output.WriteLine($"[{item.Task} {item.ModelVersion}, confidence {item.Confidence.ToString("0.00", CultureInfo.InvariantCulture)}] id={item.Id}");
        output.WriteLine($"  {item.Text}");
        if (task == NlpTask.Ner)
        {
            var entities = item.Entities ?? [];
            output.WriteLine($"  model: {(entities.Count == 0 ? "no entities" : string.Join("; ", entities.Select(e => $"{e.Text}={e.Label} ({e.Score.ToString("0.00", CultureInfo.InvariantCulture)})")))}");
            output.Write("  Enter=accept, 'Text=TYPE; …' to correct, none, s=skip, q=quit > ");
        }
        else
        {
            var prediction = item.Prediction;
            var options = prediction is null ? "" : string.Join(", ", prediction.Scores.OrderByDescending(s => s.Value).Select(s => $"{s.Key} {s.Value.ToString("0.00", CultureInfo.InvariantCulture)}"));
            output.WriteLine($"  model: {prediction?.Label ?? "?"}   ({options})");
            output.Write("  Enter=accept, a label to correct, s=skip, q=quit > ");
        }

        while (true)
        {
            var answer = input.ReadLine();
            if (answer is null || answer.Trim() is "q" or "quit")
            {
                return LabelDecision.Stop;
            }

            answer = answer.Trim();
            if (answer is "s" or "skip")
            {
                return LabelDecision.Skip;
            }

            var (feedback, error) = task == NlpTask.Ner ? Entities(item, answer) : (Label(item, task, answer), null);
            if (feedback is not null)
            {
                return new LabelDecision(feedback);
            }

            output.Write($"  {error} > ");
        }
    }

    private FeedbackExample? Label(ReviewItem item, NlpTask task, string answer)
    {
        var label = answer.Length == 0 ? item.Prediction?.Label : answer;
        return label is null ? null : new FeedbackExample(task, item.Text, label, null, item.Id, source);
    }

    private (FeedbackExample? Feedback, string? Error) Entities(ReviewItem item, string answer)
    {
        if (answer.Length == 0)
        {
            var accepted = (item.Entities ?? []).Select(e => new FeedbackEntity(e.Start, e.End, e.Label)).ToList();
            return (new FeedbackExample(NlpTask.Ner, item.Text, null, accepted, item.Id, source), null);
        }

        if (answer is "none")
        {
            return (new FeedbackExample(NlpTask.Ner, item.Text, null, [], item.Id, source), null);
        }

        var entities = new List<FeedbackEntity>();
        foreach (var part in answer.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.LastIndexOf('=');
            if (equals <= 0 || equals == part.Length - 1)
            {
                return (null, $"'{part}' is not Text=TYPE");
            }

            var text = part[..equals].Trim();
            var start = item.Text.IndexOf(text, StringComparison.Ordinal);
            if (start < 0)
            {
                return (null, $"'{text}' does not occur in the text");
            }

            entities.Add(new FeedbackEntity(start, start + text.Length, part[(equals + 1)..].Trim()));
        }

        return (new FeedbackExample(NlpTask.Ner, item.Text, null, [.. entities.OrderBy(e => e.Start)], item.Id, source), null);
    }
}
