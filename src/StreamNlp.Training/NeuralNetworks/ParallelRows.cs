namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// Runs independent items in parallel when there is enough work to pay for it. Every item writes its own
/// outputs, so results do not depend on the number of threads or their scheduling.
/// </summary>
internal static class ParallelRows
{
    /// <summary>Below this many multiply-adds in total, a plain loop is faster than scheduling threads.</summary>
    private const long MinimumParallelWork = 1 << 16;

    public static void For(int count, long workPerItem, Action<int> body)
    {
        if (count <= 1 || count * workPerItem < MinimumParallelWork || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, body);
    }
}
