namespace StreamNlp.Training.EncoderAdaptation;

/// <summary>
/// The exact (erf) GELU of BERT's graph, <c>0.5·x·(1 + erf(x/√2))</c>, and its derivative
/// <c>0.5·(1 + erf(x/√2)) + x·φ(x)</c>. .NET has no <c>erf</c>; <see cref="Erf"/> is written here.
/// </summary>
public static class Gelu
{
    private const double InverseSqrt2 = 0.70710678118654752440;
    private const double InverseSqrt2Pi = 0.39894228040143267794;

    private static readonly double[] ErfcCoefficients =
        [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        for (var i = 0; i < input.Length; i++)
        {
            double x = input[i];
            output[i] = (float)(0.5 * x * (1 + Erf(x * InverseSqrt2)));
        }
    }

    /// <summary><c>dx = dy · gelu'(x)</c>.</summary>
    public static void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        for (var i = 0; i < input.Length; i++)
        {
            double x = input[i];
            var derivative = (0.5 * (1 + Erf(x * InverseSqrt2))) + (x * InverseSqrt2Pi * Math.Exp(-0.5 * x * x));
            inputGradient[i] = (float)(outputGradient[i] * derivative);
        }
    }

    /// <summary>
    /// The error function with a fractional error below 1.2e-7 everywhere (the Chebyshev fit <c>erfcc</c> of
    /// Numerical Recipes, 2nd ed., §6.2), well inside float precision.
    /// </summary>
    public static double Erf(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + (0.5 * z));
        var c = ErfcCoefficients;
        var poly = c[^1];
        for (var i = c.Length - 2; i >= 0; i--)
        {
            poly = c[i] + (t * poly);
        }

        var erfc = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
