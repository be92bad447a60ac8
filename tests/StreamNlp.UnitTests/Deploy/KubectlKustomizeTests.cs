using System.Diagnostics;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// <c>kubectl kustomize deploy/k8s</c>: kubectl's own reading of the manifests, offline (<c>kubectl apply --dry-run=client</c>
/// needs an API server, even with <c>--validate=false</c>). Skipped where kubectl is not installed (CI may lack it).
/// </summary>
public sealed class KubectlKustomizeTests
{
    [SkippableFact]
    public async Task Kustomize_BuildsEveryManifest()
    {
        var kubectl = FindOnPath("kubectl");
        Skip.If(kubectl is null, "kubectl is not on PATH; the YAML-level tests (KubernetesManifestTests) still read every manifest");

        var info = new ProcessStartInfo(kubectl!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(RepositoryRoot.Combine("deploy", "k8s"));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        var built = new KubernetesObjects(YamlTree.LoadAll(await stdout));
        var expected = KubernetesObjects.FromFolder(RepositoryRoot.Combine("deploy", "k8s"));
        Assert.Equal(
            expected.All.Select(o => $"{KubernetesObjects.Kind(o)}/{KubernetesObjects.Name(o)}").Order(StringComparer.Ordinal),
            built.All.Select(o => $"{KubernetesObjects.Kind(o)}/{KubernetesObjects.Name(o)}").Order(StringComparer.Ordinal));
        Assert.All(built.All, o => Assert.Equal("streamnlp", YamlTree.At(o, "metadata.labels")!.As("app.kubernetes.io/part-of")));
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
