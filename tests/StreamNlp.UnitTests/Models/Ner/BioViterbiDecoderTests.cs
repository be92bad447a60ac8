using StreamNlp.Models.Ner;

namespace StreamNlp.UnitTests.Models.Ner;

public sealed class BioViterbiDecoderTests
{
    private static readonly BioTagSet PersonTags = new(["O", "B-PER", "I-PER"]);

    [Fact]
    public void Decode_GreedyPathInvalid_ChoosesBestAllowedPath()
    {
        // Greedy argmax gives O, I-PER (invalid). Allowed paths: O O = .12, O B = .06, B I = .21, B O = .06,
        // B B = .03, so the constrained best is B-PER I-PER.
        float[] probabilities =
        [
            0.6f, 0.3f, 0.1f,
            0.2f, 0.1f, 0.7f,
        ];

        var path = BioViterbiDecoder.Decode(probabilities, 2, PersonTags);

        Assert.Equal([1, 2], path);
    }

    [Fact]
    public void Decode_ValidGreedyPath_IsKept()
    {
        float[] probabilities =
        [
            0.1f, 0.8f, 0.1f,
            0.1f, 0.1f, 0.8f,
            0.9f, 0.05f, 0.05f,
        ];

        Assert.Equal([1, 2, 0], BioViterbiDecoder.Decode(probabilities, 3, PersonTags));
    }

    [Fact]
    public void Decode_InsideOfOtherType_IsNotContinued()
    {
        var tags = new BioTagSet(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);
        // Word 1 prefers I-LOC after a likely B-PER: the decoder must not emit B-PER I-LOC.
        float[] probabilities =
        [
            0.05f, 0.9f, 0.0f, 0.05f, 0.0f,
            0.1f, 0.0f, 0.3f, 0.0f, 0.6f,
        ];

        var path = BioViterbiDecoder.Decode(probabilities, 2, tags);

        Assert.True(tags.IsValidSequence(path));
        Assert.Equal([1, 2], path);
    }

    [Fact]
    public void Decode_RandomProbabilities_NeverProducesInvalidSequence()
    {
        var random = new Random(1234);
        BioTagSet[] tagSets =
        [
            PersonTags,
            BioTagSet.FromEntityTypes(["PER", "LOC", "ORG", "MISC"]),
            new(["B-A", "I-A", "O", "I-B", "B-B"]),
        ];
        for (var trial = 0; trial < 2000; trial++)
        {
            var tags = tagSets[trial % tagSets.Length];
            var words = random.Next(1, 30);
            var probabilities = RandomProbabilities(random, words, tags.Count, peaked: trial % 2 == 0);

            var path = BioViterbiDecoder.Decode(probabilities, words, tags);

            Assert.Equal(words, path.Length);
            Assert.True(tags.IsValidSequence(path), $"Trial {trial} decoded an invalid sequence: {string.Join(' ', path.Select(t => tags[t]))}");
        }
    }

    [Fact]
    public void Decode_RandomSmallCases_MatchesBruteForceBestAllowedPath()
    {
        var random = new Random(99);
        var tags = new BioTagSet(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);
        for (var trial = 0; trial < 300; trial++)
        {
            var words = random.Next(1, 6);
            var probabilities = RandomProbabilities(random, words, tags.Count, peaked: false);

            var path = BioViterbiDecoder.Decode(probabilities, words, tags);
            var best = BruteForceBestScore(probabilities, words, tags);

            Assert.Equal(best, Score(probabilities, path, tags.Count), 9);
        }
    }

    [Fact]
    public void Decode_ZeroProbabilities_StillReturnsValidPath()
    {
        var probabilities = new float[4 * PersonTags.Count];
        probabilities[2] = 1f; // I-PER first: not allowed.

        var path = BioViterbiDecoder.Decode(probabilities, 4, PersonTags);

        Assert.True(PersonTags.IsValidSequence(path));
    }

    [Fact]
    public void Decode_NoWords_ReturnsEmpty()
    {
        Assert.Empty(BioViterbiDecoder.Decode([], 0, PersonTags));
    }

    [Fact]
    public void Decode_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => BioViterbiDecoder.Decode(new float[5], 2, PersonTags));
    }

    private static float[] RandomProbabilities(Random random, int words, int tagCount, bool peaked)
    {
        var probabilities = new float[words * tagCount];
        for (var w = 0; w < words; w++)
        {
            double sum = 0;
            for (var t = 0; t < tagCount; t++)
            {
                var value = peaked ? Math.Exp(6 * random.NextDouble()) : random.NextDouble();
                probabilities[(w * tagCount) + t] = (float)value;
                sum += value;
            }

            for (var t = 0; t < tagCount; t++)
            {
                probabilities[(w * tagCount) + t] = (float)(probabilities[(w * tagCount) + t] / sum);
            }
        }

        return probabilities;
    }

    private static double Score(float[] probabilities, int[] path, int tagCount)
    {
        double score = 0;
        for (var w = 0; w < path.Length; w++)
        {
            score += Math.Log(probabilities[(w * tagCount) + path[w]]);
        }

        return score;
    }

    private static double BruteForceBestScore(float[] probabilities, int words, BioTagSet tags)
    {
        var best = double.NegativeInfinity;
        var path = new int[words];
        var total = (int)Math.Pow(tags.Count, words);
        for (var code = 0; code < total; code++)
        {
            var rest = code;
            for (var w = 0; w < words; w++)
            {
                path[w] = rest % tags.Count;
                rest /= tags.Count;
            }

            if (tags.IsValidSequence(path))
            {
                best = Math.Max(best, Score(probabilities, path, tags.Count));
            }
        }

        return best;
    }
}
