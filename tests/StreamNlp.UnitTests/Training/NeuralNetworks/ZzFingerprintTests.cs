using System.Security.Cryptography;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.NeuralNetworks.Attention;
using StreamNlp.Training.NeuralNetworks.Convolution;
using StreamNlp.UnitTests.Training.NeuralNetworks.Attention;
using StreamNlp.UnitTests.Training.NeuralNetworks.Convolution;

namespace StreamNlp.UnitTests.Training.NeuralNetworks;

public sealed class ZzFingerprintTests
{
    private static string Print(IEnumerable<Parameter> ps, IEnumerable<EpochReport> reports, int best)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in ps) { var b = new byte[p.Value.Length * 4]; Buffer.BlockCopy(p.Value, 0, b, 0, b.Length); h.AppendData(b); }
        var text = string.Join(";", reports.Select(r => $"{r.TrainLoss:R},{r.TrainAccuracy:R},{r.DevLoss:R},{r.DevMetric:R}")) + "|" + best;
        h.AppendData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(h.GetHashAndReset());
    }

    [Fact]
    public void Fingerprints()
    {
        var lines = new List<string>();
        var train = ToyData.Blobs(500, 12, 3, 1.0f, 5);
        var dev = ToyData.Blobs(100, 12, 3, 1.0f, 6);
        var d = DenseClassifierTrainer.Train(train, dev, new DenseClassifierOptions { Epochs = 8, HiddenSizes = [16, 8], Dropout = 0.3f, ClassWeighting = true, Patience = 2, Seed = 9 });
        lines.Add("dense " + Print(d.Model.Parameters, d.Epochs, d.BestEpoch));
        var d2 = DenseClassifierTrainer.Train(train, dev, new DenseClassifierOptions { Epochs = 5, Seed = 3 }, m => m.Parameters[0].Value[0]);
        lines.Add("dense2 " + Print(d2.Model.Parameters, d2.Epochs, d2.BestEpoch));

        var st = AttentionSequenceHeadGradientTests.RandomSequences([.. Enumerable.Range(0, 160).Select(i => 4 + (i % 13))], seed: 4, hiddenSize: 64, classes: 3);
        var sd = AttentionSequenceHeadGradientTests.RandomSequences([.. Enumerable.Range(0, 40).Select(i => 3 + (i % 7))], seed: 5, hiddenSize: 64, classes: 3);
        var a = AttentionSequenceHeadTrainer.Train(st, sd, new AttentionSequenceHeadOptions
        {
            TokenProjectionSize = 32, TokenDropout = 0.1f, AttentionHeads = 2, AttentionSize = 16, PooledDropout = 0.1f,
            HiddenSizes = [24], Dropout = 0.3f, Epochs = 3, BatchSize = 32, Patience = 0, Seed = 17, DecayLearningRate = true, ClassWeighting = true,
        });
        lines.Add("attention " + Print(a.Model.Parameters, a.Epochs, a.BestEpoch));

        var random = new Random(3);
        var lengths = Enumerable.Range(0, 120).Select(_ => random.Next(3, 12)).ToArray();
        var states = SyntheticSequences.RandomStates(random, lengths, 6);
        var labels = Enumerable.Range(0, states.PositionCount).Select(i => i % 5 == 0 ? -1 : random.Next(4)).ToArray();
        var set = new TokenSequenceSet(states, labels, 4);
        var c = ConvolutionalTokenHeadTrainer.Train(set, set, new ConvolutionalTokenHeadOptions { Epochs = 4, BatchSize = 16, Channels = 12, KernelSizes = [3, 3], Dilations = [1, 2], Dropout = 0.3f, InputDropout = 0.1f, ClassWeighting = true, Seed = 8 });
        lines.Add("cnn " + Print(c.Model.Parameters, c.Epochs, c.BestEpoch));
        File.WriteAllLines(Environment.GetEnvironmentVariable("FINGERPRINT_OUT") ?? "/tmp/heads/fp.txt", lines);
    }
}
