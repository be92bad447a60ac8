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
using StreamNlp.Models.Segmentation;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.Models.Inference;

/// <summary>
/// The encoder, its tokenizer and the current head of each task. <see cref="AnnotateSegmented"/> runs the encoder over
/// the segments (sentences) of a micro-batch's texts, ONE encoder for every task, feeds its output to every head and
/// combines each text's segments (<see cref="SegmentVotes"/>; entities keep their offsets in the whole text). Not thread-safe for
/// concurrent <see cref="Annotate"/> calls on the same instance beyond what ONNX Runtime allows
/// (sessions are safe to share; we run one batch at a time).
/// </summary>
public sealed class ModelBundle : IDisposable
{
    private readonly Dictionary<NlpTask, BioTagSet> _tagSets = [];

    private ModelBundle(TextTokenizer tokenizer, EncoderSession encoder, IReadOnlyDictionary<NlpTask, TaskHead> heads, string provider, TextSegmentation segmentation)
    {
        Tokenizer = tokenizer;
        Segmenter = new TextSegmenter(tokenizer, segmentation);
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

    /// <summary>How texts are cut into encoder sequences (<see cref="InferenceSettings.Segmentation"/>).</summary>
    public TextSegmenter Segmenter { get; }

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

        var bundle = new ModelBundle(tokenizer, encoder, heads, sessions.ActiveProvider, settings.Segmentation);
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
        return new ModelBundle(Tokenizer, Encoder, heads, Provider, Segmenter.Mode);
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

    /// <summary>Cuts a text into its encoder sequences within the token budget (<see cref="Segmenter"/>).</summary>
    public SegmentedText Segment(string text, int maxTokens) => Segmenter.Segment(text, maxTokens);

    /// <summary>Runs one encoder pass over the batch, each text as one sequence, and every head on its output.</summary>
    public IReadOnlyList<TextAnnotation> Annotate(IReadOnlyList<TokenizedText> texts, RunOptions? runOptions = null) =>
        AnnotateSegmented([.. texts.Select(SegmentedText.Whole)], runOptions).Annotations;

    /// <summary>
    /// Runs the encoder over every segment of the batch and every head on its output, and combines each text's segments.
    /// The segments go in one pass, or, with <paramref name="maxPaddingWaste"/>, in passes of similar length
    /// (<see cref="SegmentPasses"/>).
    /// </summary>
    public AnnotatedBatch AnnotateSegmented(IReadOnlyList<SegmentedText> texts, RunOptions? runOptions = null, double maxPaddingWaste = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return new AnnotatedBatch([], 0, 0);
        }

        using var ownedOptions = runOptions is null ? new RunOptions() : null;
        var options = runOptions ?? ownedOptions!;
        var segments = texts.SelectMany((t, i) => t.Segments.Select(s => (Text: i, Segment: s))).ToArray();
        var lengths = segments.Select(s => s.Segment.Tokens.Length).ToArray();
        var passes = SegmentPasses.Plan(lengths, maxPaddingWaste);
        var sequenceTasks = Heads.Keys.Where(t => t != NlpTask.Ner).ToArray();
        var segmentProbabilities = sequenceTasks.ToDictionary(t => t, _ => new float[segments.Length][]);
        var segmentEntities = new IReadOnlyList<EntityMention>[segments.Length];
        foreach (var pass in passes)
        {
            using var encoded = Encoder.Run([.. pass.Select(i => segments[i].Segment.Tokens)], options, EncoderLayers);
            var outputs = Heads.ToDictionary(h => h.Key, h => h.Value.Run(encoded, options));
            for (var row = 0; row < pass.Length; row++)
            {
                var index = pass[row];
                foreach (var task in sequenceTasks)
                {
                    var labels = Heads[task].Labels.Count;
                    segmentProbabilities[task][index] = outputs[task].AsSpan(row * labels, labels).ToArray();
                }

                segmentEntities[index] = Entities(outputs, encoded, row, segments[index].Segment.Offset, texts[segments[index].Text].Text);
            }
        }

        var results = new TextAnnotation[texts.Count];
        var first = 0;
        for (var t = 0; t < texts.Count; t++)
        {
            var count = texts[t].Segments.Count;
            var range = Enumerable.Range(first, count).ToArray();
            var tokens = range.Select(i => lengths[i]).ToArray();
            LabelPrediction? Combined(NlpTask task) => segmentProbabilities.TryGetValue(task, out var rows)
                ? Prediction(task, SegmentVotes.Combine(task, [.. range.Select(i => rows[i])], tokens, Heads[task].Labels.Count))
                : null;
            results[t] = new TextAnnotation(
                Combined(NlpTask.Classification),
                Combined(NlpTask.Sentiment),
                [.. range.SelectMany(i => segmentEntities[i])],
                texts[t].Truncated,
                texts[t].TokenCount);
            first += count;
        }

        return new AnnotatedBatch(results, passes.Count, SegmentPasses.PaddedTokens(lengths, passes));
    }

    private LabelPrediction Prediction(NlpTask task, float[] probabilities)
    {
        var labels = Heads[task].Labels;
        var best = 0;
        var scores = new Dictionary<string, float>(labels.Count);
        for (var i = 0; i < labels.Count; i++)
        {
            scores[labels[i]] = probabilities[i];
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        return new LabelPrediction(labels[best], probabilities[best], scores);
    }

    /// <summary>The entities of one encoded segment, as spans of the whole text (the segment starts at <paramref name="offset"/>).</summary>
    private IReadOnlyList<EntityMention> Entities(Dictionary<NlpTask, float[]> outputs, EncodedBatch encoded, int row, int offset, string wholeText)
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

            mentions.Add(new EntityMention(wholeText[(offset + start)..(offset + end)], span.Type, offset + start, offset + end, score / span.Length));
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
