using StreamNlp.Models.Configuration;

namespace StreamNlp.UnitTests.Models.Configuration;

public sealed class ModelOptionsValidatorTests
{
    private static readonly ModelOptionsValidator Validator = new();

    [Fact]
    public void Validate_DirectoryIsAFile_FailsNamingTheSetting()
    {
        var file = Path.GetTempFileName();
        try
        {
            var result = Validator.Validate(null, new ModelOptions { Directory = file });

            Assert.True(result.Failed);
            Assert.Contains("StreamNlp:Models:Directory (--models)", result.FailureMessage);
            Assert.Contains("is a file", result.FailureMessage);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Validate_BlankCacheDirectory_Fails() =>
        Assert.Contains("StreamNlp:Models:CacheDirectory", Validator.Validate(null, new ModelOptions { CacheDirectory = " " }).FailureMessage);

    [Fact]
    public void Validate_UnsetOrMissingFolders_Succeed() =>
        Assert.True(Validator.Validate(null, new ModelOptions { Directory = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}") }).Succeeded);

    [Fact]
    public void Validate_UnknownEncoder_FailsNamingTheSettingAndTheKnownEncoders()
    {
        var result = Validator.Validate(null, new ModelOptions { Encoder = "bert-large-nope" });

        Assert.True(result.Failed);
        Assert.Contains("StreamNlp:Models:Encoder 'bert-large-nope' is not a known encoder; known: all-MiniLM-L6-v2", result.FailureMessage);
    }

    [Fact]
    public void Validate_ThePublishedAndTheDefaultEncoder_Succeed()
    {
        Assert.True(Validator.Validate(null, new ModelOptions { Encoder = "all-MiniLM-L6-v2" }).Succeeded);
        Assert.True(Validator.Validate(null, new ModelOptions()).Succeeded);
    }
}
