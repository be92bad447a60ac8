using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using StreamNlp.Core.Contracts;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Ner;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Inference;

/// <summary>
/// The encoder, its tokenizer and the current head of each task. <see cref="Annotate"/> tokenizes a
/// micro-batch, runs the encoder ONCE and feeds its output to every head. Not thread-safe for
/// concurrent <see cref="Annotate"/> calls on the same instance beyond what ONNX Runtime allows
/// (sessions are safe to share; we run one batch at a time).
/// </summary>
public sealed class ModelBundle : IDisposable
{
    private readonly Dictionary<NlpTask, BioTagSet> _tagSets = [];

    private ModelBundle(TextTokenizer tokenizer, EncoderSession encoder, IReadOnlyDictionary<NlpTask, TaskHead> heads, string provider)
    {
        Tokenizer = tokenizer;
        Encoder = encoder;
        Heads = heads;
        Provider = provider;
        EncoderLayers = [.. heads.Values.SelectMany(h => h.EncoderLayers).Distinct().Order()];
        if (heads.TryGetValue(NlpTask.Ner, out var ner))
        {
            _tagSets[NlpTask.Ner] = new BioTagSet(ner.Labels);
        }
    }

    public TextTokenizer Tokenizer { get; }

    public EncoderSession Encoder { get; }

    public IReadOnlyDictionary<NlpTask, TaskHead> Heads { get; }

    /// <summary>"CUDA" or "CPU".</summary>
    public string Provider { get; }

    /// <summary>The version of each head and of the encoder, as enriched records report them.</summary>
    public IReadOnlyDictionary<string, string> Versions =>
        Heads.ToDictionary(h => h.Key.ToName(), h => h.Value.Version)
            .Append(new KeyValuePair<string, string>("encoder", Encoder.Files.Descriptor.Version))
            .ToDictionary();

    /// <summary>
    /// Loads the encoder (from the verified cache, at <see cref="InferenceSettings.Precision"/>) and the current
    /// head of every task in <paramref name="registry"/>; refuses heads whose files or encoder do not match
    /// their manifest. An int8 encoder serves heads trained on the fp32 encoder it was derived from.
    /// </summary>
    public static ModelBundle Load(
        ModelRegistry registry,
        EncoderCache encoderCache,
        InferenceSettings settings,
        ILogger? logger = null,
        IReadOnlyCollection<NlpTask>? tasks = null)
    {
        logger ??= NullLogger.Instance;
        var sessions = new SessionFactory(settings, logger);
        var files = encoderCache.Ensure(settings.Encoder, settings.Precision);
        var tokenizer = new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
        var encoder = new EncoderSession(files, sessions);
        if (files.Descriptor.Precision == EncoderPrecision.Fp16 && sessions.ActiveProvider == "CPU")
        {
            ModelsLog.Fp16OnCpu(logger);
        }

        var heads = new Dictionary<NlpTask, TaskHead>();
        try
        {
            foreach (var task in tasks ?? NlpTaskNames.All)
            {
                var version = registry.CurrentVersion(task)
                    ?? throw new ModelIntegrityException(
                        $"No current {task.ToName()} model in {registry.TaskDirectory(task)} (expected a 'current' file naming a version folder).");
                var manifest = registry.Verify(task, version, files.Descriptor.HeadEncoderSha256);
                heads[task] = new TaskHead(task, registry.VersionDirectory(task, version), manifest, sessions);
            }
        }
        catch
        {
            foreach (var head in heads.Values)
            {
                head.Dispose();
            }

            encoder.Dispose();
            throw;
        }

        var bundle = new ModelBundle(tokenizer, encoder, heads, sessions.ActiveProvider);
        ModelsLog.BundleLoaded(logger, files.Descriptor.Version, bundle.Provider, registry.Root,
            string.Join(", ", heads.Select(h => $"{h.Key.ToName()}={h.Value.Version}{(h.Value.Quantization is { } q ? $" (int8: {q})" : string.Empty)}")));
        return bundle;
    }

    /// <summary>
    /// A bundle that shares this one's tokenizer and encoder and serves <paramref name="head"/> for its
    /// task instead of the current head. The caller disposes the replaced head once no batch uses it.
    /// </summary>
    public ModelBundle WithHead(TaskHead head)
    {
        var heads = Heads.ToDictionary();
        heads[head.Task] = head;
        return new ModelBundle(Tokenizer, Encoder, heads, Provider);
    }

    /// <summary>Loads one version of a task's head from a registry, checked against its manifest and this encoder.</summary>
    public TaskHead LoadHead(ModelRegistry registry, NlpTask task, string version, InferenceSettings settings, ILogger? logger = null)
    {
        var manifest = registry.Verify(task, version, Encoder.Files.Descriptor.HeadEncoderSha256);
        return new TaskHead(task, registry.VersionDirectory(task, version), manifest, new SessionFactory(settings, logger));
    }

    /// <summary>The intermediate encoder layers any head of this bundle reads (fetched from the one encoder pass).</summary>
    public IReadOnlyList<int> EncoderLayers { get; }

    /// <summary>Tokenizes with the given token limit.</summary>
    public TokenizedText Tokenize(string text, int maxTokens) => Tokenizer.Tokenize(text, maxTokens);

    /// <summary>Runs one encoder pass over the batch and every head on its output.</summary>
    public IReadOnlyList<TextAnnotation> Annotate(IReadOnlyList<TokenizedText> texts, RunOptions? runOptions = null)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        using var ownedOptions = runOptions is null ? new RunOptions() : null;
        var options = runOptions ?? ownedOptions!;
        using var encoded = Encoder.Run(texts, options, EncoderLayers);
        var outputs = Heads.ToDictionary(h => h.Key, h => h.Value.Run(encoded, options));

        var results = new TextAnnotation[texts.Count];
        for (var b = 0; b < texts.Count; b++)
        {
            results[b] = new TextAnnotation(
                SequencePrediction(NlpTask.Classification, outputs, b),
                SequencePrediction(NlpTask.Sentiment, outputs, b),
                Entities(outputs, encoded, b),
                texts[b].Truncated,
                texts[b].Length);
        }

        return results;
    }

    private LabelPrediction? SequencePrediction(NlpTask task, Dictionary<NlpTask, float[]> outputs, int row)
    {
        if (!outputs.TryGetValue(task, out var probabilities))
        {
            return null;
        }

        var labels = Heads[task].Labels;
        var slice = probabilities.AsSpan(row * labels.Count, labels.Count);
        var best = 0;
        var scores = new Dictionary<string, float>(labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            scores[labels[i]] = slice[i];
            if (slice[i] > slice[best])
            {
                best = i;
            }
        }

        return new LabelPrediction(labels[best], slice[best], scores);
    }

    private IReadOnlyList<EntityMention> Entities(Dictionary<NlpTask, float[]> outputs, EncodedBatch encoded, int row)
    {
        if (!outputs.TryGetValue(NlpTask.Ner, out var probabilities))
        {
            return [];
        }

        var text = encoded.Texts[row];
        var words = text.Words.Count;
        if (words == 0)
        {
            return [];
        }

        var tagSet = _tagSets[NlpTask.Ner];
        var tags = tagSet.Count;
        // The head scores every sub-token; a word is read from its first sub-token.
        var wordProbabilities = new float[words * tags];
        for (var w = 0; w < words; w++)
        {
            var position = text.WordFirstToken[w];
            probabilities.AsSpan(((row * encoded.SequenceLength) + position) * tags, tags)
                .CopyTo(wordProbabilities.AsSpan(w * tags, tags));
        }

        var path = BioViterbiDecoder.Decode(wordProbabilities, words, tagSet);
        var spans = BioSpans.FromTags(path, tagSet);
        var mentions = new List<EntityMention>(spans.Count);
        foreach (var span in spans)
        {
            var start = text.Words[span.Start].Start;
            var end = text.Words[span.End - 1].End;
            var score = 0f;
            for (var w = span.Start; w < span.End; w++)
            {
                score += wordProbabilities[(w * tags) + path[w]];
            }

            mentions.Add(new EntityMention(text.Text[start..end], span.Type, start, end, score / span.Length));
        }

        return mentions;
    }

    public void Dispose()
    {
        foreach (var head in Heads.Values)
        {
            head.Dispose();
        }

        Encoder.Dispose();
    }
}
