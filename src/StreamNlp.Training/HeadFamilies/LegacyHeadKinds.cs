using System.Globalization;
using StreamNlp.Training.HeadFamilies.Attention;
using StreamNlp.Training.HeadFamilies.Convolution;
using StreamNlp.Training.HeadFamilies.Dense;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// The one compatibility mapping from the <c>kind</c> strings of manifests written before head families (the models
/// shipped in <c>models/</c>, and versions trained or retrained before) to a family and its options. Nothing else reads
/// <c>kind</c>. The shape comes from the string; the other settings from the manifest's <c>training.settings</c> where
/// that recorded them, else the family's defaults:
/// <list type="bullet">
/// <item><c>mean-pool-softmax</c>, <c>mean-pool-mlp-A-B…</c>, <c>token-softmax</c>, <c>token-mlp-A-B…</c> → <c>dense</c>, hidden sizes A, B…;
/// settings <c>epochs</c>, <c>batchSize</c>, <c>learningRate</c>, <c>weightDecay</c>, <c>dropout</c>, <c>seed</c>, <c>classWeighting</c>.</item>
/// <item><c>attention-…</c> → <c>attention</c>, shape from the rest (<c>projN</c>, <c>attnHxS</c> or <c>dotH</c>, <c>mean</c>, <c>max</c>,
/// <c>mlpA-B…</c> or <c>linear</c>); training settings were not recorded, so the defaults (which trained the shipped head).</item>
/// <item><c>cnn-kA-B…-cN</c> → <c>cnn</c>, kernel sizes A, B…, N channels; settings <c>dilations</c>, <c>epochs</c>, <c>learningRate</c>, <c>dropout</c>.</item>
/// </list>
/// </summary>
public static class LegacyHeadKinds
{
    /// <summary>The family name and options an old <c>kind</c> stands for.</summary>
    /// <exception cref="ArgumentException">A kind no version of the project wrote.</exception>
    public static (string Family, HeadTrainingOptions Options) Read(string kind, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var prefix in new[] { "mean-pool-", "token-" })
        {
            if (kind.StartsWith(prefix, StringComparison.Ordinal))
            {
                return (DenseHeadFamily.FamilyName, Dense(kind[prefix.Length..], settings, kind));
            }
        }

        if (kind.StartsWith("attention-", StringComparison.Ordinal))
        {
            return (AttentionHeadFamily.FamilyName, Attention(kind["attention-".Length..], kind));
        }

        if (kind.StartsWith("cnn-", StringComparison.Ordinal))
        {
            return (ConvolutionalHeadFamily.FamilyName, Convolution(kind["cnn-".Length..], settings, kind));
        }

        throw Unknown(kind);
    }

    private static DenseClassifierOptions Dense(string shape, IReadOnlyDictionary<string, string> settings, string kind)
    {
        int[] hidden = shape == "softmax" ? []
            : shape.StartsWith("mlp-", StringComparison.Ordinal) ? Integers(shape["mlp-".Length..].Split('-'), kind)
            : throw Unknown(kind);
        var defaults = new DenseClassifierOptions();
        return new DenseClassifierOptions
        {
            HiddenSizes = hidden,
            Epochs = Integer(settings, "epochs", defaults.Epochs, kind),
            BatchSize = Integer(settings, "batchSize", defaults.BatchSize, kind),
            LearningRate = Single(settings, "learningRate", defaults.LearningRate, kind),
            WeightDecay = Single(settings, "weightDecay", defaults.WeightDecay, kind),
            Dropout = Single(settings, "dropout", defaults.Dropout, kind),
            Patience = Integer(settings, "patience", defaults.Patience, kind),
            Seed = Integer(settings, "seed", defaults.Seed, kind),
            ClassWeighting = settings.TryGetValue("classWeighting", out var weighting) ? weighting == "true" : defaults.ClassWeighting,
        };
    }

    private static AttentionSequenceHeadOptions Attention(string shape, string kind)
    {
        var options = new AttentionSequenceHeadOptions { TokenProjectionSize = 0, AttentionHeads = 0, MeanPooling = false, MaxPooling = false };
        var parts = shape.Split('-');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part is "mean" or "max")
            {
                options = part == "mean" ? options with { MeanPooling = true } : options with { MaxPooling = true };
            }
            else if (part == "linear")
            {
                options = options with { HiddenSizes = [] };
            }
            else if (part.StartsWith("proj", StringComparison.Ordinal))
            {
                options = options with { TokenProjectionSize = Integers([part["proj".Length..]], kind)[0] };
            }
            else if (part.StartsWith("attn", StringComparison.Ordinal) && part["attn".Length..].Split('x') is [var heads, var size])
            {
                options = options with { AttentionHeads = Integers([heads], kind)[0], AttentionSize = Integers([size], kind)[0], Scoring = AttentionScoring.Additive };
            }
            else if (part.StartsWith("dot", StringComparison.Ordinal))
            {
                options = options with { AttentionHeads = Integers([part["dot".Length..]], kind)[0], Scoring = AttentionScoring.DotProduct };
            }
            else if (part.StartsWith("mlp", StringComparison.Ordinal))
            {
                // The classifier's sizes come last: "mlp256-128".
                options = options with { HiddenSizes = Integers([part["mlp".Length..], .. parts[(i + 1)..]], kind) };
                break;
            }
            else
            {
                throw Unknown(kind);
            }
        }

        return options;
    }

    private static ConvolutionalTokenHeadOptions Convolution(string shape, IReadOnlyDictionary<string, string> settings, string kind)
    {
        var parts = shape.Split('-');
        if (parts.Length < 2 || !parts[0].StartsWith('k') || !parts[^1].StartsWith('c'))
        {
            throw Unknown(kind);
        }

        var defaults = new ConvolutionalTokenHeadOptions();
        return new ConvolutionalTokenHeadOptions
        {
            KernelSizes = Integers([parts[0][1..], .. parts[1..^1]], kind),
            Channels = Integers([parts[^1][1..]], kind)[0],
            Dilations = settings.TryGetValue("dilations", out var dilations) && dilations.Length > 0 ? Integers(dilations.Split(','), kind) : [],
            Epochs = Integer(settings, "epochs", defaults.Epochs, kind),
            LearningRate = Single(settings, "learningRate", defaults.LearningRate, kind),
            Dropout = Single(settings, "dropout", defaults.Dropout, kind),
        };
    }

    private static int[] Integers(IEnumerable<string> values, string kind) =>
        [.. values.Select(v => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Unknown(kind))];

    private static int Integer(IReadOnlyDictionary<string, string> settings, string name, int fallback, string kind) =>
        settings.TryGetValue(name, out var value) ? Integers([value], kind)[0] : fallback;

    private static float Single(IReadOnlyDictionary<string, string> settings, string name, float fallback, string kind) =>
        !settings.TryGetValue(name, out var value) ? fallback
            : float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
            : throw new ArgumentException($"The setting {name}={value} of the head kind '{kind}' is not a number.");

    private static ArgumentException Unknown(string kind) =>
        new($"The head kind '{kind}' is not one the project ever wrote; retrain this head.");
}
