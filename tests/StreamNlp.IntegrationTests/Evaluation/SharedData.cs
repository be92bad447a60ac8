namespace StreamNlp.IntegrationTests.Evaluation;

/// <summary>Finds the labelled data in <c>../shared/data</c> beside the repository, when it exists.</summary>
internal static class SharedData
{
    public static string? Root { get; } = Find();

    public static string Path(string relative) => System.IO.Path.Combine(Root!, relative);

    public static void SkipIfMissing() =>
        Skip.If(Root is null, "needs the labelled data in ../shared/data (not present on this machine)");

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("STREAMNLP_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "StreamNlp.sln")))
            {
                var candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "data");
                return Directory.Exists(candidate) ? System.IO.Path.GetFullPath(candidate) : null;
            }
        }

        return null;
    }
}
