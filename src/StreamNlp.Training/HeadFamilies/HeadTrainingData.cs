using StreamNlp.Core.Tasks;
using StreamNlp.Models.Ner;
using StreamNlp.Training.Data;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// What a head family trains on: the encoder (through the feature cache), the head's labels in output order, and the
/// training and dev examples of the task: labelled texts for sentence tasks, CoNLL sentences for NER. Training examples
/// come in parts (e.g. the base data, then feedback), each encoded on its own so a part seen before is read from the
/// feature cache; the model trains on the parts concatenated in order.
/// </summary>
public sealed record HeadTrainingData
{
    /// <summary>The task of the head.</summary>
    public required NlpTask Task { get; init; }

    /// <summary>Runs (or reads from its cache) the frozen encoder.</summary>
    public required FeatureExtractor Features { get; init; }

    /// <summary>The head's labels, in output order: sentence labels, or for NER a BIO tag set's labels.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Sentence tasks: training texts, in parts; every label must be in <see cref="Labels"/>.</summary>
    public IReadOnlyList<IReadOnlyList<LabeledText>> TextParts { get; init; } = [];

    /// <summary>Sentence tasks: dev texts, never trained on; rows with an unknown label are left out of early stopping and count as errors.</summary>
    public IReadOnlyList<LabeledText> DevTexts { get; init; } = [];

    /// <summary>NER: training sentences, in parts.</summary>
    public IReadOnlyList<IReadOnlyList<ConllSentence>> SentenceParts { get; init; } = [];

    /// <summary>NER: dev sentences, never trained on; may be empty (no early stopping then).</summary>
    public IReadOnlyList<ConllSentence> DevSentences { get; init; } = [];

    /// <summary>Receives encoder progress.</summary>
    public IProgress<EncodingProgress>? Encoding { get; init; }

    /// <summary>The NER tag set of <see cref="Labels"/>.</summary>
    public BioTagSet TagSet => new(Labels);

    /// <summary>Data for a sentence task (classification, sentiment).</summary>
    public static HeadTrainingData ForTexts(
        NlpTask task, FeatureExtractor features, IReadOnlyList<string> labels, IReadOnlyList<IReadOnlyList<LabeledText>> parts,
        IReadOnlyList<LabeledText> dev, IProgress<EncodingProgress>? encoding = null) =>
        new() { Task = task, Features = features, Labels = labels, TextParts = parts, DevTexts = dev, Encoding = encoding };

    /// <summary>Data for NER: sentences tagged with <paramref name="tagSet"/>'s tags (others count as <c>O</c>).</summary>
    public static HeadTrainingData ForSentences(
        FeatureExtractor features, BioTagSet tagSet, IReadOnlyList<IReadOnlyList<ConllSentence>> parts,
        IReadOnlyList<ConllSentence> dev, IProgress<EncodingProgress>? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(tagSet);
        return new() { Task = NlpTask.Ner, Features = features, Labels = tagSet.Labels, SentenceParts = parts, DevSentences = dev, Encoding = encoding };
    }

    /// <summary>The index of each label, after checking the labels of a sentence task.</summary>
    /// <exception cref="ArgumentException">Fewer than two labels, a repeated label, no training texts, or a training label not in <see cref="Labels"/>.</exception>
    public Dictionary<string, int> LabelIndex()
    {
        if (Labels.Count < 2)
        {
            throw new ArgumentException($"A classifier needs at least two labels, got {Labels.Count}.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var label in Labels)
        {
            if (!index.TryAdd(label, index.Count))
            {
                throw new ArgumentException($"The label '{label}' appears twice.");
            }
        }

        if (TextParts.All(p => p.Count == 0))
        {
            throw new ArgumentException("There are no training texts.");
        }

        var unknown = TextParts.SelectMany(p => p).FirstOrDefault(t => !index.ContainsKey(t.Label));
        if (unknown is not null)
        {
            throw new ArgumentException($"The training label '{unknown.Label}' is not among the labels.");
        }

        return index;
    }
}
