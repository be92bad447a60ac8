namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// deploy/Dockerfile, deploy/Dockerfile.cuda and .dockerignore, read as text (no Docker engine here to build them):
/// a restore layer that copies every project file before the sources, a non-root user, the HTTP endpoint on 0.0.0.0:8080,
/// the CPU image without the CUDA provider, the CUDA image on CUDA 13 with cuDNN 9.
/// </summary>
public sealed class ContainerImageTests
{
    public static TheoryData<string> Dockerfiles => new() { "Dockerfile", "Dockerfile.cuda" };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_RestoresEveryProjectBeforeCopyingSources(string name)
    {
        var lines = Lines(name);
        var restore = lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        var sources = lines.FindIndex(l => l.StartsWith("COPY src/ src/", StringComparison.Ordinal));

        Assert.InRange(restore, 0, sources - 1);
        foreach (var project in Directory.EnumerateFiles(RepositoryRoot.Combine("src"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, project).Replace('\\', '/');
            var copy = lines.FindIndex(l => l.StartsWith($"COPY {relative} ", StringComparison.Ordinal));
            Assert.True(copy >= 0 && copy < restore, $"{name} does not copy {relative} before restoring");
        }

        Assert.Contains(lines, l => l.StartsWith("COPY global.json Directory.Build.props Directory.Packages.props", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_RunsAsNonRootAndListensOnAllInterfaces(string name)
    {
        var lines = Lines(name);
        var user = lines.Where(l => l.StartsWith("USER ", StringComparison.Ordinal)).Select(l => l[5..].Trim()).ToList();

        Assert.NotEmpty(user);
        Assert.DoesNotContain(user, u => u is "root" or "0");
        Assert.Contains("EXPOSE 8080", lines);
        Assert.Contains(lines, l => l.Contains("StreamNlp__Http__BindAddress=0.0.0.0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal) && Text(name).Contains("/healthz", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT [\"dotnet\", \"streamnlp.dll\"]", StringComparison.Ordinal));
    }

    [Fact]
    public void CpuImage_LeavesOutTheCudaProviderAndRunsOnAspNet()
    {
        var text = Text("Dockerfile");

        Assert.Contains("-p:StreamNlpCpuOnly=true", text, StringComparison.Ordinal);
        Assert.Contains("test ! -e /app/libonnxruntime_providers_cuda.so", text, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:", text, StringComparison.Ordinal); // the HTTP host needs ASP.NET Core
        Assert.Contains("AS retrainer", text, StringComparison.Ordinal);
        Assert.Contains("StreamNlp__Retrainer__BaseDataDirectory=/opt/streamnlp/base-data", text, StringComparison.Ordinal);
        var csproj = File.ReadAllText(RepositoryRoot.Combine("src", "StreamNlp.Cli", "StreamNlp.Cli.csproj"));
        Assert.Contains("'$(StreamNlpCpuOnly)' == 'true'", csproj, StringComparison.Ordinal);
        Assert.Contains("onnxruntime_providers_cuda", csproj, StringComparison.Ordinal);
    }

    [Fact]
    public void CudaImage_IsCuda13WithCudnn9AndStrictAboutTheGpu()
    {
        var text = Text("Dockerfile.cuda");

        Assert.Matches(@"ARG CUDA_IMAGE=nvidia/cuda:13\.[0-9.]+-cudnn-runtime-ubuntu", text);
        Assert.Contains("test -e /app/libonnxruntime_providers_cuda.so", text, StringComparison.Ordinal);
        Assert.Contains("StreamNlp__Models__ExecutionProvider=Cuda", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputAndGitOutOfTheContext_ButNotWhatTheBuildCopies()
    {
        var patterns = File.ReadAllLines(RepositoryRoot.Combine(".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Contains("**/bin", patterns);
        Assert.Contains("**/obj", patterns);
        Assert.Contains(".git", patterns);
        foreach (var needed in new[] { "src", "models", "global.json", "Directory.Build.props", "Directory.Packages.props", "deploy/base-data" })
        {
            Assert.DoesNotContain(needed, patterns);
        }
    }

    private static string Text(string name) => File.ReadAllText(RepositoryRoot.Combine("deploy", name));

    private static List<string> Lines(string name) => [.. File.ReadAllLines(RepositoryRoot.Combine("deploy", name)).Select(l => l.Trim())];
}
