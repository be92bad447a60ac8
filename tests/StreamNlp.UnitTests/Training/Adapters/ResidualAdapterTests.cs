using System.Numerics.Tensors;
using StreamNlp.Training.Adapters;

namespace StreamNlp.UnitTests.Training.Adapters;

public sealed class ResidualAdapterTests
{
    [Fact]
    public void ZeroAdapter_GivesTheChampionsProbabilities()
    {
        var adapter = new ResidualAdapter(new float[3 * 4], new float[3], 4);
        float[] champion = [0.7f, 0.2f, 0.1f];

        var probabilities = adapter.Probabilities([1f, -2f, 0.5f, 3f], [.. champion.Select(v => MathF.Log(v))]);

        Assert.Equal(champion, probabilities, (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void Train_CorrectsTheChampionOnFeedback_AndKeepsItsAnswersOnReplayedRows()
    {
        // Two domains told apart by feature 0 (replay) and feature 1 (feedback); feature 2 carries the new domain's label.
        // The champion is confidently "class 0" everywhere: right on replay rows, wrong on half the feedback rows.
        var (features, champion, gold, isFeedback) = TwoDomains(replayRows: 200, feedbackRows: 100, seed: 3);

        var adapter = ResidualAdapter.Train(features, 4, champion, gold, isFeedback, new ResidualAdapterOptions());

        var feedbackCorrect = 0;
        var replayCorrect = 0;
        for (var i = 0; i < gold.Length; i++)
        {
            var predicted = TensorPrimitives.IndexOfMax(adapter.Probabilities(features.AsSpan(i * 4, 4), champion.AsSpan(i * 2, 2)));
            if (predicted == gold[i])
            {
                if (isFeedback[i])
                {
                    feedbackCorrect++;
                }
                else
                {
                    replayCorrect++;
                }
            }
        }

        Assert.Equal(100, feedbackCorrect); // the champion got 50
        Assert.Equal(200, replayCorrect);
        Assert.NotNull(adapter.GateWeights);
        Assert.True(adapter.Gate(features.AsSpan(0, 4)) < 0.2f, "the gate should stay shut on replayed rows");
        Assert.True(adapter.Gate(features.AsSpan(200 * 4, 4)) > 0.8f, "the gate should open on feedback rows");
    }

    [Fact]
    public void Train_WithoutGate_HasNoGateAndStillFitsTheFeedback()
    {
        var (features, champion, gold, isFeedback) = TwoDomains(replayRows: 50, feedbackRows: 50, seed: 4);

        var adapter = ResidualAdapter.Train(features, 4, champion, gold, isFeedback, new ResidualAdapterOptions { DomainGate = false, FeedbackShare = 0.8 });

        Assert.Null(adapter.GateWeights);
        Assert.Equal(1f, adapter.Gate(features.AsSpan(0, 4)));
        var feedbackCorrect = Enumerable.Range(50, 50)
            .Count(i => TensorPrimitives.IndexOfMax(adapter.Probabilities(features.AsSpan(i * 4, 4), champion.AsSpan(i * 2, 2))) == gold[i]);
        Assert.True(feedbackCorrect >= 45, $"{feedbackCorrect} of 50 feedback rows right");
    }

    [Fact]
    public void Train_InconsistentData_Throws()
    {
        Assert.Throws<ArgumentException>(() => ResidualAdapter.Train(new float[8], 4, new float[4], [0, 1], [true], new ResidualAdapterOptions()));
        Assert.Throws<ArgumentException>(() => ResidualAdapter.Train(new float[8], 4, new float[4], [0, 2], [true, false], new ResidualAdapterOptions()));
        Assert.Throws<ArgumentException>(() => ResidualAdapter.Train(new float[8], 4, new float[4], [0, 1], [true, false], new ResidualAdapterOptions { FeedbackShare = 1 }));
    }

    [Fact]
    public void Train_GroupsOfOneRow_AreExactlyTheUngroupedTraining()
    {
        var (features, champion, gold, isFeedback) = TwoDomains(replayRows: 40, feedbackRows: 40, seed: 5);

        var plain = ResidualAdapter.Train(features, 4, champion, gold, isFeedback, new ResidualAdapterOptions());
        var grouped = ResidualAdapter.Train(features, 4, champion, gold, isFeedback, new ResidualAdapterOptions(), groups: [.. Enumerable.Range(100, gold.Length)]);

        Assert.Equal(plain.Weights, grouped.Weights);
        Assert.Equal(plain.Bias, grouped.Bias);
        Assert.Equal(plain.ChampionScale, grouped.ChampionScale);
    }

    [Fact]
    public void Train_Groups_FitTheTextsLabelThroughItsSentencesCombined()
    {
        // Feedback texts of two sentences: one carries the label in feature 2, the other is neutral (feature 2 = 0).
        // Labelled alone, the neutral sentence would have to learn the label from nothing; as a group, the text's
        // combined probabilities (mean of the sentences' log-probabilities) must come out right.
        var (features, champion, gold, isFeedback) = TwoDomains(replayRows: 60, feedbackRows: 120, seed: 6);
        var groups = new int[gold.Length];
        for (var i = 0; i < gold.Length; i++)
        {
            groups[i] = isFeedback[i] ? 1000 + ((i - 60) / 2) : -1 - i;
            if (isFeedback[i])
            {
                gold[i] = gold[60 + (((i - 60) / 2) * 2)]; // both sentences carry their text's label
                if ((i - 60) % 2 == 1)
                {
                    features[(i * 4) + 2] = 0f;
                }
            }
        }

        var adapter = ResidualAdapter.Train(features, 4, champion, gold, isFeedback, new ResidualAdapterOptions(), groups: groups);

        var correct = 0;
        for (var text = 0; text < 60; text++)
        {
            var first = 60 + (text * 2);
            var a = adapter.Probabilities(features.AsSpan(first * 4, 4), champion.AsSpan(first * 2, 2));
            var b = adapter.Probabilities(features.AsSpan((first + 1) * 4, 4), champion.AsSpan((first + 1) * 2, 2));
            var combined = StreamNlp.Models.Inference.SegmentVotes.Combine(StreamNlp.Core.Tasks.NlpTask.Sentiment, [a, b], [5, 5], 2);
            correct += TensorPrimitives.IndexOfMax(combined) == gold[first] ? 1 : 0;
        }

        Assert.Equal(60, correct); // the champion alone gets the 30 of class 0
    }

    private static (float[] Features, float[] Champion, int[] Gold, bool[] IsFeedback) TwoDomains(int replayRows, int feedbackRows, int seed)
    {
        var random = new Random(seed);
        var n = replayRows + feedbackRows;
        var features = new float[n * 4];
        var champion = new float[n * 2];
        var gold = new int[n];
        var isFeedback = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var feedback = i >= replayRows;
            isFeedback[i] = feedback;
            var label = feedback ? i % 2 : 0;
            gold[i] = label;
            features[(i * 4) + (feedback ? 1 : 0)] = 1f;
            features[(i * 4) + 2] = label == 1 ? 1f : -1f;
            features[(i * 4) + 3] = (float)(random.NextDouble() - 0.5);
            champion[i * 2] = MathF.Log(0.95f);
            champion[(i * 2) + 1] = MathF.Log(0.05f);
        }

        return (features, champion, gold, isFeedback);
    }
}
