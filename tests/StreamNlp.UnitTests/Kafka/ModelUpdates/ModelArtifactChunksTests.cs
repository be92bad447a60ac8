using System.Security.Cryptography;
using StreamNlp.Core.Contracts;
using StreamNlp.Kafka.ModelUpdates;

namespace StreamNlp.UnitTests.Kafka.ModelUpdates;

public sealed class ModelArtifactChunksTests
{
    private static byte[] Bytes(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31))];

    private static ModelArtifactReference Reference(byte[] artifact, int chunks) => new()
    {
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(artifact)),
        Bytes = artifact.Length,
        Chunks = chunks,
    };

    [Theory]
    [InlineData(0, 4, 1)]
    [InlineData(4, 4, 1)]
    [InlineData(5, 4, 2)]
    [InlineData(2_000_000, ModelArtifactChunks.DefaultChunkBytes, 4)]
    public void Split_CutsIntoPiecesOfAtMostTheChunkSize(int length, int chunkBytes, int expected)
    {
        var artifact = Bytes(length);

        var chunks = ModelArtifactChunks.Split(artifact, chunkBytes);

        Assert.Equal(expected, chunks.Count);
        Assert.All(chunks, c => Assert.InRange(c.Length, 0, chunkBytes));
        Assert.Equal(artifact, chunks.SelectMany(c => c.ToArray()).ToArray());
    }

    [Fact]
    public void Key_RoundTrips_AndEventKeysAreNotChunks()
    {
        var key = ModelArtifactChunks.Key("ner", "v12", 3);

        Assert.True(ModelArtifactChunks.TryParseKey(key, out var task, out var version, out var index));
        Assert.Equal(("ner", "v12", 3), (task, version, index));
        Assert.False(ModelArtifactChunks.TryParseKey("ner", out _, out _, out _));
        Assert.False(ModelArtifactChunks.TryParseKey("artifact/ner/v1", out _, out _, out _));
        Assert.False(ModelArtifactChunks.TryParseKey("artifact/ner/v1/-1", out _, out _, out _));
        Assert.False(ModelArtifactChunks.TryParseKey(null, out _, out _, out _));
    }

    [Fact]
    public void Assembler_ChunksInAnyOrderAndRepeated_GiveTheArtifact()
    {
        var artifact = Bytes(10);
        var chunks = ModelArtifactChunks.Split(artifact, 4);
        var assembler = new ModelArtifactAssembler();
        assembler.Add("ner", "v2", 2, chunks[2].ToArray());
        assembler.Add("ner", "v2", 0, chunks[0].ToArray());
        assembler.Add("ner", "v2", 1, chunks[1].ToArray());
        assembler.Add("ner", "v2", 0, chunks[0].ToArray()); // a producer retry

        var joined = assembler.Take("ner", "v2", Reference(artifact, 3), out var problem);

        Assert.Null(problem);
        Assert.Equal(artifact, joined);
        Assert.Equal(0, assembler.PendingArtifacts);
    }

    [Fact]
    public void Assembler_AMissingChunk_IsNamed()
    {
        var artifact = Bytes(10);
        var chunks = ModelArtifactChunks.Split(artifact, 4);
        var assembler = new ModelArtifactAssembler();
        assembler.Add("ner", "v2", 0, chunks[0].ToArray());
        assembler.Add("ner", "v2", 2, chunks[2].ToArray());

        Assert.Null(assembler.Take("ner", "v2", Reference(artifact, 3), out var problem));
        Assert.Contains("1 of its 3 chunks are missing (first: 1)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembler_ATruncatedChunk_IsRefusedByLength()
    {
        var artifact = Bytes(10);
        var chunks = ModelArtifactChunks.Split(artifact, 4);
        var assembler = new ModelArtifactAssembler();
        assembler.Add("ner", "v2", 0, chunks[0].ToArray());
        assembler.Add("ner", "v2", 1, chunks[1].ToArray()[..2]);
        assembler.Add("ner", "v2", 2, chunks[2].ToArray());

        Assert.Null(assembler.Take("ner", "v2", Reference(artifact, 3), out var problem));
        Assert.Contains("truncated", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembler_ACorruptChunk_IsRefusedBySha256()
    {
        var artifact = Bytes(10);
        var assembler = new ModelArtifactAssembler();
        var corrupt = (byte[])artifact.Clone();
        corrupt[5] ^= 1;
        assembler.Add("ner", "v2", 0, corrupt);

        Assert.Null(assembler.Take("ner", "v2", Reference(artifact, 1), out var problem));
        Assert.Contains("SHA-256", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembler_NoChunkRead_SaysSo()
    {
        var artifact = Bytes(10);

        Assert.Null(new ModelArtifactAssembler().Take("ner", "v2", Reference(artifact, 1), out var problem));
        Assert.Contains("none of its 1 chunks", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Assembler_HoldsABoundedNumberOfUnfinishedArtifacts()
    {
        var assembler = new ModelArtifactAssembler();
        for (var v = 0; v < ModelArtifactAssembler.MaxPendingArtifacts + 5; v++)
        {
            assembler.Add("ner", $"v{v}", 0, [1]);
        }

        Assert.Equal(ModelArtifactAssembler.MaxPendingArtifacts, assembler.PendingArtifacts);
        Assert.Null(assembler.Take("ner", "v0", new ModelArtifactReference { Sha256 = "", Bytes = 1, Chunks = 1 }, out _)); // the oldest went first
    }
}
