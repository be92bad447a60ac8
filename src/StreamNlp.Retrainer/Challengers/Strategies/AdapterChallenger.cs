using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Heads;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Training.Adapters;
using StreamNlp.Training.Data;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.Replay;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers.Strategies;

/// <summary>
/// The <see cref="RetrainStrategy.Adapter"/> challenger of a sentence task: the champion's graph stays as it is (without
/// the adapter it may carry, which is replaced, not stacked), a <see cref="ResidualAdapter"/> is trained on the
/// replayed rows plus the feedback (feedback carrying <see cref="RetrainerOptions.FeedbackShare"/> of the loss) over
/// the champion's own probabilities, and the combined graph is registered as a new, not yet current, version with the
/// champion's replay set. Feedback texts are read as the worker reads them (<see cref="FeedbackSentences"/>): the adapter
/// learns from their sentences, each with its text's label, and each text is judged on its sentences combined.
/// </summary>
public sealed class AdapterChallenger(
    ModelRegistry registry, FeatureExtractor features, EncoderDescriptor encoder, RetrainerOptions options, InferenceSettings inference)
{
    /// <summary>Folds of the cross-validation that judges an adapter round.</summary>
    public const int Folds = 5;

    /// <summary>
    /// Trains the adapter on the replayed rows plus <b>all</b> of <paramref name="feedback"/>, and judges it by
    /// <see cref="Folds"/>-fold cross-validation over the feedback: each feedback example is predicted by an adapter
    /// trained without its fold (folds by a hash of the text), so every label is both trained on (by the final adapter)
    /// and held out (by the fold's), and the gate's sign test sees all of them instead of a fifth.
    /// </summary>
    public AdapterRound Train(
        NlpTask task, string championVersion, HeadManifest championManifest, HeadChoice championHead, ReplaySet? replay,
        IReadOnlyList<LabeledText> replayTrain, IReadOnlyList<LabeledText> feedback, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        if (feedback.Count < Folds)
        {
            throw new InvalidOperationException($"Too little feedback to train and judge an adapter: {feedback.Count} examples (at least {Folds}) once those also in the dev data are left out.");
        }

        CheckLabelSpread(task, feedback);

        var championDirectory = registry.VersionDirectory(task, championVersion);
        var championGraph = ResidualAdapterGraph.Read(Path.Combine(championDirectory, HeadContract.FileName));
        var labels = championManifest.Labels;
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);

        // Encoder states: the replayed part from the feature cache, the feedback's sentences encoded (or cached) on their own.
        var sentences = FeedbackSentences.Of([.. feedback.Select(f => f.Text)], new TextSegmenter(features.Tokenizer, inference.Segmentation), features.MaxTokens);
        var states = TokenStates.Concatenate([
            .. new IReadOnlyList<string>[] { [.. replayTrain.Select(t => t.Text)], sentences.Sentences }.Where(p => p.Count > 0)
                .Select(p => features.TokenStates(p, layers: championHead.Options.EncoderLayers)),
        ]);
        var rows = replayTrain.Concat(sentences.Owners.Select((owner, s) => new LabeledText(sentences.Sentences[s], feedback[owner].Label))).ToList();

        // The adapter reads what the champion reads: the pooled last layer, or for a layer mix its pooled layers
        // concatenated in the champion's order.
        var layers = championHead.Options.EncoderLayers;
        var hidden = states.HiddenSize * Math.Max(1, layers.Count);
        var pooled = layers.Count == 0 ? states.PooledLastLayer() : PooledLayers(states, layers);
        var baseLogProbabilities = BaseLogProbabilities(task, championGraph, championManifest, states);
        var classes = labels.Count;
        var gold = rows.Select(r => index[r.Label]).ToArray();
        var isFeedback = rows.Select((_, i) => i >= replayTrain.Count).ToArray();
        // A feedback text's sentences are one training example, combined as the worker combines them; a replayed row is
        // one alone.
        var groups = rows.Select((_, i) => isFeedback[i] ? sentences.Owners[i - replayTrain.Count] : -1 - i).ToArray();
        float[] members = [.. Enumerable.Repeat(1f, replayTrain.Count), .. sentences.ShareInText(task)];
        var adapterOptions = new ResidualAdapterOptions { FeedbackShare = options.FeedbackShare, L2 = options.AdapterL2 };

        // Out-of-fold predictions of every feedback text: folds by the text, so all its sentences are held out together,
        // and the text's label combined from its sentences' probabilities as the worker combines them.
        var fold = rows.Select((_, i) => isFeedback[i] ? FoldOf(feedback[sentences.Owners[i - replayTrain.Count]].Text) : -1).ToArray();
        var championSentences = new float[sentences.Sentences.Count * classes];
        var challengerSentences = new float[sentences.Sentences.Count * classes];
        for (var k = 0; k < Folds; k++)
        {
            var trainRows = Enumerable.Range(0, rows.Count).Where(i => fold[i] != k).ToArray();
            var heldOut = Enumerable.Range(0, rows.Count).Where(i => fold[i] == k).ToArray();
            if (heldOut.Length == 0)
            {
                continue;
            }

            var foldAdapter = ResidualAdapter.Train(
                Gather(pooled, trainRows, hidden), hidden, Gather(baseLogProbabilities, trainRows, classes),
                [.. trainRows.Select(i => gold[i])], [.. trainRows.Select(i => isFeedback[i])], adapterOptions, cancellationToken,
                groups: [.. trainRows.Select(i => groups[i])], memberWeights: [.. trainRows.Select(i => members[i])]);
            foreach (var i in heldOut)
            {
                var sentence = i - replayTrain.Count;
                var championLog = baseLogProbabilities.AsSpan(i * classes, classes);
                TensorPrimitives.Exp(championLog, championSentences.AsSpan(sentence * classes, classes));
                foldAdapter.Probabilities(pooled.AsSpan(i * hidden, hidden), championLog).CopyTo(challengerSentences.AsSpan(sentence * classes, classes));
            }
        }

        var feedbackGold = feedback.Select(f => index[f.Label]).ToArray();
        var championTexts = sentences.Combine(task, championSentences, classes);
        var challengerTexts = sentences.Combine(task, challengerSentences, classes);
        var championCorrect = feedbackGold.Select((g, t) => TensorPrimitives.IndexOfMax(championTexts.AsSpan(t * classes, classes)) == g).ToArray();
        var challengerCorrect = feedbackGold.Select((g, t) => TensorPrimitives.IndexOfMax(challengerTexts.AsSpan(t * classes, classes)) == g).ToArray();

        var adapter = ResidualAdapter.Train(pooled, hidden, baseLogProbabilities, gold, isFeedback, adapterOptions, cancellationToken, groups: groups, memberWeights: members);
        var graph = layers.Count == 0
            ? ResidualAdapterGraph.Attach(championGraph, adapter, hidden)
            : ResidualAdapterGraph.Attach(championGraph, adapter, states.HiddenSize, layers, features.Blocks);
        var report = Report(adapter, pooled, baseLogProbabilities, gold, isFeedback, classes, hidden, adapterOptions)
            + string.Create(CultureInfo.InvariantCulture,
                $"{Folds}-fold cross-validated accuracy on the feedback ({feedback.Count}): champion {Share(championCorrect.Count(c => c), feedback.Count)}, adapted {Share(challengerCorrect.Count(c => c), feedback.Count)}\n");
        var outcome = Register(registry, encoder, options, task, championVersion, championManifest, championHead, replay, graph, report,
            replayTrain.Count, sentences.Sentences.Count, feedback.Count, replay?.Texts?.Dev.Count ?? 0, adapterOptions, ResidualAdapterGraph.Kind, clock);
        return new AdapterRound(outcome, championCorrect, challengerCorrect);
    }

    /// <summary>The cross-validation fold of a feedback text: a stable function of the text.</summary>
    public static int FoldOf(string text) =>
        (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)), 4) % Folds);

    private static float[] Gather(float[] values, int[] rows, int width)
    {
        var result = new float[rows.Length * width];
        for (var r = 0; r < rows.Length; r++)
        {
            values.AsSpan(rows[r] * width, width).CopyTo(result.AsSpan(r * width, width));
        }

        return result;
    }

    /// <summary>Writes an adapted head (graph, report, the champion's replay set, manifest) as a new, not yet current, version.</summary>
    internal static TrainOutcome Register(
        ModelRegistry registry, EncoderDescriptor encoder, RetrainerOptions options, NlpTask task, string championVersion, HeadManifest championManifest,
        HeadChoice championHead, ReplaySet? replay, Onnx.ModelProto graph, string report, int replayRows, int feedbackRows, int holdoutCount, int devCount,
        ResidualAdapterOptions adapterOptions, string kind, Stopwatch clock)
    {
        var version = registry.NextVersion(task);
        var directory = registry.VersionDirectory(task, version);
        Directory.CreateDirectory(directory);
        ResidualAdapterGraph.Write(graph, Path.Combine(directory, HeadContract.FileName));
        File.WriteAllText(Path.Combine(directory, "report.txt"), report);
        var replayFiles = replay?.WriteTo(directory) ?? [];
        var training = RetrainRecord.Create(
            replay, replayRows, feedbackRows, holdoutCount, devCount, adapterOptions.Steps, adapterOptions.Steps,
            championVersion, clock.Elapsed, RetrainStrategy.Adapter, extra: new Dictionary<string, string>
            {
                ["adapter"] = kind,
                ["feedbackShare"] = options.FeedbackShare.ToString(CultureInfo.InvariantCulture),
                ["adapterL2"] = adapterOptions.L2.ToString(CultureInfo.InvariantCulture),
            });
        var manifest = ModelRegistry.WriteManifest(directory, new HeadManifest
        {
            Task = task.ToName(),
            Version = version,
            Head = championHead.ToRecipe(),
            Labels = championManifest.Labels,
            CreatedAt = DateTimeOffset.UtcNow,
            Encoder = new EncoderReference(encoder.Name, encoder.ModelSha256),
            Files = new Dictionary<string, string>(),
            Metrics = championManifest.Metrics,
            Training = training,
            Replay = replay?.Record,
        }, [HeadContract.FileName, "report.txt", .. replayFiles]);
        return new TrainOutcome(manifest, directory, [], 0, report);
    }

    /// <summary>Least share of the feedback the rarest of at least two labels must have for an adapter round.</summary>
    public const double MinimumLabelShare = 0.05;

    /// <summary>
    /// Refuses feedback that carries (almost) a single label. The domain gate learns "inputs like these", and the held-out
    /// part has the same one-sided labels, so such an adapter would pass the gate while pushing every input of the
    /// domain to that label (500 negative book reviews took the books dev split from 72.7% to 51.0%).
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than two labels, or the rarest under <see cref="MinimumLabelShare"/>.</exception>
    public static void CheckLabelSpread(NlpTask task, IReadOnlyList<LabeledText> feedback)
    {
        var counts = feedback.GroupBy(f => f.Label, StringComparer.Ordinal).Select(g => (Label: g.Key, Count: g.Count())).OrderBy(g => g.Count).ToList();
        if (counts.Count < 2 || counts[0].Count < MinimumLabelShare * feedback.Count)
        {
            var spread = string.Join(", ", counts.OrderByDescending(c => c.Count).Select(c => $"'{c.Label}' {c.Count}"));
            throw new InvalidOperationException(
                $"The {task.ToName()} feedback is one-sided ({spread} of {feedback.Count} training examples): an adapter trained on it would push " +
                $"every input like it towards one label. Send labelled examples of at least two labels (each at least {MinimumLabelShare:P0}).");
        }
    }

    /// <summary>Each text's mean encoder vector (the same masked mean pooling the graph computes).</summary>
    /// <summary>Each text's pooled <paramref name="layers"/>, concatenated in that order: <c>texts × (layers · hidden)</c>.</summary>
    private static float[] PooledLayers(TokenStates states, IReadOnlyList<int> layers)
    {
        var hidden = states.HiddenSize;
        var last = states.PooledLastLayer();
        var width = hidden * layers.Count;
        var result = new float[states.Texts.Count * width];
        for (var k = 0; k < layers.Count; k++)
        {
            var source = states.PooledLayers.TryGetValue(layers[k], out var pooled) ? pooled : last;
            for (var i = 0; i < states.Texts.Count; i++)
            {
                source.AsSpan(i * hidden, hidden).CopyTo(result.AsSpan((i * width) + (k * hidden), hidden));
            }
        }

        return result;
    }

    /// <summary>The logarithm of what the champion's graph (without any adapter it carries) gives each text.</summary>
    private float[] BaseLogProbabilities(NlpTask task, Onnx.ModelProto championGraph, HeadManifest championManifest, TokenStates states) =>
        LogOf(RunStripped(task, championGraph, championManifest, inference, head => HeadScoring.Probabilities(head, states)));

    /// <summary>Runs the champion's graph without any adapter it carries (written to a temporary folder) through <paramref name="run"/>.</summary>
    internal static float[] RunStripped(NlpTask task, Onnx.ModelProto championGraph, HeadManifest championManifest, InferenceSettings inference, Func<TaskHead, float[]> run)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"streamnlp-adapter-base-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            ResidualAdapterGraph.Write(ResidualAdapterGraph.Strip(championGraph), Path.Combine(folder, HeadContract.FileName));
            using var head = new TaskHead(task, folder, championManifest, new SessionFactory(inference));
            return run(head);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The natural logarithm of each probability (floored at 1e-30), in place.</summary>
    internal static float[] LogOf(float[] probabilities)
    {
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = MathF.Log(Math.Max(probabilities[i], 1e-30f));
        }

        return probabilities;
    }

    internal static string Report(
        ResidualAdapter adapter, float[] pooled, float[] baseLog, int[] gold, bool[] isFeedback, int classes, int hidden, ResidualAdapterOptions options, float[]? gateFeatures = null, string kind = ResidualAdapterGraph.Kind)
    {
        int baseFeedback = 0, adaptedFeedback = 0, baseReplay = 0, adaptedReplay = 0;
        for (var i = 0; i < gold.Length; i++)
        {
            var champion = TensorPrimitives.IndexOfMax(baseLog.AsSpan(i * classes, classes)) == gold[i];
            var adapted = TensorPrimitives.IndexOfMax(adapter.Probabilities(
                pooled.AsSpan(i * hidden, hidden), baseLog.AsSpan(i * classes, classes),
                gateFeatures is null ? default : gateFeatures.AsSpan(i * adapter.GateDimension, adapter.GateDimension))) == gold[i];
            if (isFeedback[i])
            {
                baseFeedback += champion ? 1 : 0;
                adaptedFeedback += adapted ? 1 : 0;
            }
            else
            {
                baseReplay += champion ? 1 : 0;
                adaptedReplay += adapted ? 1 : 0;
            }
        }

        var feedback = isFeedback.Count(f => f);
        var replay = gold.Length - feedback;
        var gateDimension = gateFeatures is null ? hidden : adapter.GateDimension;
        var gates = Enumerable.Range(0, gold.Length).Select(i => adapter.Gate((gateFeatures ?? pooled).AsSpan(i * gateDimension, gateDimension))).ToArray();
        var feedbackGate = feedback == 0 ? 0 : gates.Where((_, i) => isFeedback[i]).Average();
        var replayGate = replay == 0 ? 0 : gates.Where((_, i) => !isFeedback[i]).Average();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"residual adapter ({kind}) over the champion: feedback share {options.FeedbackShare}, L2 {options.L2}, {options.Steps} Adam steps; champion scale {adapter.ChampionScale:0.000}, |W| {Math.Sqrt(TensorPrimitives.SumOfSquares(adapter.Weights)):0.000}");
        text.AppendLine(CultureInfo.InvariantCulture, $"domain gate: {(adapter.GateWeights is null ? "none" : $"mean {feedbackGate:0.000} on feedback, {replayGate:0.000} on replay")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"training accuracy on feedback ({feedback}): champion {Share(baseFeedback, feedback)}, adapted {Share(adaptedFeedback, feedback)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"training accuracy on replay ({replay}): champion {Share(baseReplay, replay)}, adapted {Share(adaptedReplay, replay)}");
        return text.ToString();
    }

    private static string Share(int correct, int total) => total == 0 ? "-" : (correct / (double)total).ToString("P1", CultureInfo.InvariantCulture);
}
