namespace StreamNlp.Models.Encoders;

/// <summary>The encoder names the settings accept.</summary>
public static class EncoderNames
{
    /// <summary>The published encoder, as its package ships it.</summary>
    public static string Published => EncoderDescriptor.MiniLmL6V2.Name;

    /// <summary>The encoder served when <c>StreamNlp:Models:Encoder</c> is not set: the one the shipped heads were trained on.</summary>
    public const string Default = "all-MiniLM-L6-v2-top2";
}
