using System.Security.Cryptography;

namespace StreamNlp.Core.Hashing;

/// <summary>SHA-256 of files, as lower-case hex: how models, encoders and data sets are identified.</summary>
public static class FileHash
{
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
