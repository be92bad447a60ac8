using System.Text.Json.Serialization;

namespace StreamNlp.Models.Registry;

/// <summary>Source-generated JSON for manifests.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HeadManifest))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
