using Microsoft.Extensions.Options;

namespace StreamNlp.Models.Configuration;

/// <summary>Path checks of <see cref="ModelOptions"/>, so a wrong folder stops start-up naming the setting.</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var failures = new List<string>();
        Check(options.Directory, "StreamNlp:Models:Directory (--models)", failures);
        Check(options.CacheDirectory, "StreamNlp:Models:CacheDirectory", failures);
        if (!Encoders.AdaptedEncoderCatalog.IsKnown(options.Encoder))
        {
            failures.Add($"StreamNlp:Models:Encoder '{options.Encoder}' is not a known encoder; known: {string.Join(", ", Encoders.AdaptedEncoderCatalog.KnownNames())}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(string? path, string setting, List<string> failures)
    {
        if (path is null)
        {
            return;
        }

        if (path.Trim().Length == 0)
        {
            failures.Add($"{setting} is blank; leave it unset for the default.");
        }
        else if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{setting} '{path}' contains characters that are not allowed in a path.");
        }
        else if (File.Exists(path))
        {
            failures.Add($"{setting} '{path}' is a file; it must be a folder (it is created when missing).");
        }
    }
}
