namespace StreamNlp.Training.Evaluation;

/// <summary>
/// True-positive, false-positive and false-negative counts with the precision, recall and F1 they give
/// (each 0 when its denominator is 0).
/// </summary>
public readonly record struct PrecisionRecallF1(int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>Gold instances: true positives plus false negatives.</summary>
    public int Support => TruePositives + FalseNegatives;

    /// <summary>Predicted instances: true positives plus false positives.</summary>
    public int Predicted => TruePositives + FalsePositives;

    public double Precision => Predicted == 0 ? 0 : (double)TruePositives / Predicted;

    public double Recall => Support == 0 ? 0 : (double)TruePositives / Support;

    /// <summary>Harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN).</summary>
    public double F1 => TruePositives == 0 ? 0 : 2.0 * TruePositives / ((2.0 * TruePositives) + FalsePositives + FalseNegatives);
}
