using StreamNlp.Retrainer.Configuration;

namespace StreamNlp.Retrainer.Challengers;

/// <summary>
/// Decides whether a challenger replaces the champion: it must be better on the held-out feedback by
/// at least <see cref="RetrainerOptions.MinImprovement"/>, that gain must be unlikely to be chance
/// (one-sided sign test over the examples where exactly one model is right, p ≤
/// <see cref="RetrainerOptions.Significance"/>), and it must not be worse on the base dev data by more
/// than <see cref="RetrainerOptions.Tolerance"/>.
/// </summary>
public sealed class PromotionGate(RetrainerOptions options)
{
    public GateDecision Decide(Scorecard champion, Scorecard challenger)
    {
        var holdoutGain = challenger.HoldoutScore - champion.HoldoutScore;
        if (champion.HoldoutCorrect.Length == 0)
        {
            return new GateDecision(false, "no held-out feedback to compare on");
        }

        if (holdoutGain < options.MinImprovement)
        {
            return new GateDecision(false,
                $"held-out feedback: challenger {challenger.HoldoutScore:P1} vs champion {champion.HoldoutScore:P1}, gain {holdoutGain:+0.0%;-0.0%} < required {options.MinImprovement:P1}");
        }

        var pValue = SignTestPValue(champion.HoldoutCorrect, challenger.HoldoutCorrect);
        if (pValue > options.Significance)
        {
            return new GateDecision(false,
                $"held-out gain {holdoutGain:+0.0%;-0.0%} is not significant (sign test p = {pValue:0.###} > {options.Significance})");
        }

        if (champion.BaseScore is { } championBase && challenger.BaseScore is { } challengerBase && challengerBase < championBase - options.Tolerance)
        {
            return new GateDecision(false,
                $"base dev: challenger {challengerBase:P1} vs champion {championBase:P1}, drop beyond tolerance {options.Tolerance:P1}");
        }

        var baseNote = champion.BaseScore is null ? "; no base dev data configured, base check skipped" : $"; base dev {challenger.BaseScore:P1} vs {champion.BaseScore:P1}";
        return new GateDecision(true, $"held-out feedback {challenger.HoldoutScore:P1} vs {champion.HoldoutScore:P1} (p = {pValue:0.####}){baseNote}");
    }

    /// <summary>
    /// One-sided sign test: with n examples where the two disagree in correctness and k of them won by
    /// the challenger, the probability of k or more wins if both were equally good (Binomial(n, ½)).
    /// </summary>
    public static double SignTestPValue(IReadOnlyList<bool> championCorrect, IReadOnlyList<bool> challengerCorrect)
    {
        int wins = 0, losses = 0;
        for (var i = 0; i < championCorrect.Count; i++)
        {
            if (challengerCorrect[i] && !championCorrect[i])
            {
                wins++;
            }
            else if (championCorrect[i] && !challengerCorrect[i])
            {
                losses++;
            }
        }

        var n = wins + losses;
        if (n == 0)
        {
            return 1.0;
        }

        // Sum P(X = j) for j ≥ wins in log space: log C(n, j) − n·log 2.
        var logHalfN = n * Math.Log(0.5);
        var total = 0.0;
        for (var j = wins; j <= n; j++)
        {
            total += Math.Exp(LogChoose(n, j) + logHalfN);
        }

        return Math.Min(1.0, total);
    }

    private static double LogChoose(int n, int k)
    {
        var result = 0.0;
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }
}
