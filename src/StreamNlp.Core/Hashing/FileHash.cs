using System.Security.Cryptography;

namespace StreamNlp.Core.Hashing;

/// <summary>SHA-256 of files and bytes, as lower-case hex: how models, encoders, data sets and artifacts are identified.</summary>
public static class FileHash
{
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
