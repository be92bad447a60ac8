using Google.Protobuf;
using Onnx;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.EncoderAdaptation;
using StreamNlp.UnitTests.Models.Quantization;

namespace StreamNlp.UnitTests.Training.EncoderAdaptation;

/// <summary>The managed block against ONNX Runtime on the packaged encoder's own last block, read from and written back to its graph.</summary>
public sealed class EncoderBlockWeightsTests(PackagedEncoderFixture encoder) : IClassFixture<PackagedEncoderFixture>
{
    private static readonly string[] Texts = ["Shares of Apple fell 3% in New York on Tuesday.", "what a waste of money", "ok", "Roger Federer beat Rafael Nadal at Wimbledon."];

    [Fact]
    public void ManagedForwardOfTheLastBlock_OnOnnxRuntimesLayer5States_GivesItsLastHiddenState()
    {
        var model = encoder.LoadModel();
        var block = EncoderBlockWeights.Read(model, 5, heads: 12);
        var (input, offsets, expected) = Encode(encoder.Files.ModelPath, 5);

        var output = block.Forward(input, offsets).Output;

        AssertClose(expected, output, 2e-4f);
    }

    [Fact]
    public void InitializersOfAChangedBlock_WrittenIntoTheGraph_MakeOnnxRuntimeComputeTheManagedBlock()
    {
        var model = encoder.LoadModel();
        var block = EncoderBlockWeights.Read(model, 5, heads: 12);
        var random = new Random(5);
        foreach (var parameter in block.Parameters)
        {
            for (var i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] += (float)((random.NextDouble() - 0.5) * 0.02);
            }
        }

        var replacements = EncoderBlockWeights.Initializers(model, 5, block);
        Assert.Equal(16, replacements.Count);
        var byName = replacements.ToDictionary(t => t.Name);
        for (var i = 0; i < model.Graph.Initializer.Count; i++)
        {
            if (byName.TryGetValue(model.Graph.Initializer[i].Name, out var replacement))
            {
                model.Graph.Initializer[i] = replacement;
            }
        }

        var path = Path.Combine(encoder.Root, "changed-block.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var (originalInput, _, originalOutput) = Encode(encoder.Files.ModelPath, 5);
        var (input, offsets, output) = Encode(path, 5);

        Assert.Equal(originalInput, input); // the bottom five blocks are untouched
        AssertClose(block.Forward(input, offsets).Output, output, 2e-4f);
        Assert.True(output.Zip(originalOutput).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f, "the changed block changes the output");
    }

    [Fact]
    public void NamesOf_ABlockTheGraphDoesNotHave_IsRefusedNamingIt()
    {
        var model = encoder.LoadModel();
        var error = Assert.Throws<InvalidDataException>(() => EncoderBlockWeights.NamesOf(model.Graph, 6));
        Assert.Contains("encoder.layer.6.attention.self.query.bias", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Packed unpadded rows of layer <paramref name="layer"/> and of the last layer for <see cref="Texts"/>.</summary>
    private (float[] Input, int[] Offsets, float[] Output) Encode(string modelPath, int layer)
    {
        var files = encoder.Files with { ModelPath = modelPath };
        using var session = new EncoderSession(files, new SessionFactory(new InferenceSettings(ExecutionProvider.Cpu)));
        var tokenizer = new TextTokenizer(encoder.Files.VocabularyPath, uncased: true);
        var texts = Texts.Select(t => tokenizer.Tokenize(t, 64)).ToList();
        using var batch = session.Run(texts, layers: [layer]);
        var offsets = new int[texts.Count + 1];
        for (var i = 0; i < texts.Count; i++)
        {
            offsets[i + 1] = offsets[i] + texts[i].Length;
        }

        const int hidden = 384;
        var input = new float[offsets[^1] * hidden];
        var output = new float[offsets[^1] * hidden];
        for (var b = 0; b < texts.Count; b++)
        {
            var from = b * batch.SequenceLength * hidden;
            batch.LayerData(layer).Slice(from, texts[b].Length * hidden).CopyTo(input.AsSpan(offsets[b] * hidden));
            batch.HiddenStatesData.Slice(from, texts[b].Length * hidden).CopyTo(output.AsSpan(offsets[b] * hidden));
        }

        return (input, offsets, output);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < tolerance, $"largest difference {worst}");
    }
}
