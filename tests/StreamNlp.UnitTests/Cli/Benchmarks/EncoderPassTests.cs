using StreamNlp.Cli.Benchmarks;
using StreamNlp.Worker.Batching;

namespace StreamNlp.UnitTests.Cli.Benchmarks;

public sealed class EncoderPassTests
{
    private static readonly BatchPolicy Policy = new(MaxItems: 4, MaxWait: TimeSpan.Zero, MaxTokens: 100);

    [Fact]
    public void Cut_ShortTexts_FillsBatchesToTheBatchSize()
    {
        Assert.Equal([4, 4, 1], EncoderPass.Cut([10, 10, 10, 10, 10, 10, 10, 10, 10], Policy));
    }

    [Fact]
    public void Cut_LongText_EndsTheBatchWhenPaddedTokensWouldPassTheBudget()
    {
        // 2 × 30 fits; 3 × 60 does not; then 2 × 60 does not either; a lone 200 always fits.
        Assert.Equal([2, 1, 1, 1], EncoderPass.Cut([30, 30, 60, 10, 200], Policy));
    }
}
