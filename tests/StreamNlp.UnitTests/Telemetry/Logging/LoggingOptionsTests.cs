using StreamNlp.Telemetry.Logging;

namespace StreamNlp.UnitTests.Telemetry.Logging;

public sealed class LoggingOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("simple")]
    [InlineData("json")]
    [InlineData("JSON")]
    public void Check_SimpleOrJson_IsValid(string? format) => Assert.Null(LoggingOptions.Check(format));

    [Theory]
    [InlineData("xml")]
    [InlineData("")]
    [InlineData("systemd")]
    public void Check_AnythingElse_NamesTheSettingAndTheValue(string format) =>
        Assert.Equal($"StreamNlp:Logging:Format must be 'simple' or 'json' (was '{format}').", LoggingOptions.Check(format));
}
