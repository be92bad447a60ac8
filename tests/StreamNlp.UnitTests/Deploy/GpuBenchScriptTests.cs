using System.Diagnostics;
using System.Security.Cryptography;
using StreamNlp.Models.Configuration;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// deploy/gpu-bench.sh: its rejoin-and-check step run on a small bundle made the way <c>pack</c> makes one (pieces from
/// split, SHA256SUMS of the pieces, SHA256SUMS.whole of the files), and the settings it sets named as the host binds
/// them. Its <c>pack</c> step (a self-contained publish) is run by hand: docs/GPU.md.
/// </summary>
public sealed class GpuBenchScriptTests : IDisposable
{
    private static readonly string Script = RepositoryRoot.Combine("deploy", "gpu-bench.sh");
    private readonly string _bundle = Path.Combine(Path.GetTempPath(), $"gpu-bench-{Guid.NewGuid():N}");

    [SkippableFact]
    public void Verify_PiecesOfASplitFile_RejoinToItsSha256()
    {
        MakeBundle();

        var (code, output) = Bash($"\"{Script}\" verify \"{_bundle}\"");

        Assert.True(code == 0, output);
        Assert.Contains("pieces and rejoined files match their SHA-256 (1 files, 3 pieces)", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Verify_ADamagedPiece_IsRefused()
    {
        MakeBundle();
        var piece = Path.Combine(_bundle, "libonnxruntime_providers_cuda.so.part-01");
        var bytes = File.ReadAllBytes(piece);
        bytes[10] ^= 0xFF;
        File.WriteAllBytes(piece, bytes);

        var (code, output) = Bash($"\"{Script}\" verify \"{_bundle}\"");

        Assert.NotEqual(0, code);
        Assert.Contains("does not match SHA256SUMS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_SetsTheSettingsTheHostBinds_AndSplitsIntoPiecesOfAtMost60MiB()
    {
        var text = File.ReadAllText(Script);

        Assert.Contains($"StreamNlp__Models__{nameof(ModelOptions.ExecutionProvider)}=Cuda", text, StringComparison.Ordinal);
        Assert.Contains($"StreamNlp__Models__{nameof(ModelOptions.Precision)}=$precision", text, StringComparison.Ordinal);
        Assert.Contains("for precision in Fp32 Fp16", text, StringComparison.Ordinal);
        Assert.Contains("PIECE_SIZE=60M", text, StringComparison.Ordinal);
        Assert.Contains("--self-contained true", text, StringComparison.Ordinal);
        Assert.Contains("--provider Cuda", text, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            Assert.True((File.GetUnixFileMode(Script) & UnixFileMode.UserExecute) != 0, "deploy/gpu-bench.sh is not executable");
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_bundle))
        {
            Directory.Delete(_bundle, recursive: true);
        }
    }

    private void MakeBundle()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/split"), "needs bash, split and sha256sum");
        Directory.CreateDirectory(_bundle);
        var file = Path.Combine(_bundle, "libonnxruntime_providers_cuda.so");
        var data = new byte[2500];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(file, data);
        File.WriteAllText(Path.Combine(_bundle, "SHA256SUMS.whole"), $"{Convert.ToHexStringLower(SHA256.HashData(data))}  libonnxruntime_providers_cuda.so\n");
        var (code, output) = Bash($"cd \"{_bundle}\" && split -b 1000 -d -a 2 libonnxruntime_providers_cuda.so libonnxruntime_providers_cuda.so.part- && sha256sum *.part-* > SHA256SUMS && rm libonnxruntime_providers_cuda.so");
        Assert.True(code == 0, output);
    }

    private static (int Code, string Output) Bash(string command)
    {
        var info = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
