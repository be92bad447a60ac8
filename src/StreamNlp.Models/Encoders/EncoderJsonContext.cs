using System.Text.Json.Serialization;

namespace StreamNlp.Models.Encoders;

/// <summary>Source-generated JSON for adapted encoder definitions.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AdaptedEncoderDefinition))]
internal sealed partial class EncoderJsonContext : JsonSerializerContext;
