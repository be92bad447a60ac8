using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Http;

/// <summary>The shared HTTP endpoint (health probes, metrics, labelling page), section <c>StreamNlp:Http</c>.</summary>
public sealed class HttpOptions
{
    public const string Section = "StreamNlp:Http";

    /// <summary>TCP port. Default 8080; 0 turns the endpoint off (<c>--http-port</c>).</summary>
    [Range(0, 65_535, ErrorMessage = "StreamNlp:Http:Port must be between {1} and {2} (0: off).")]
    public int Port { get; set; } = 8080;

    /// <summary>
    /// Address to listen on. Default <c>127.0.0.1</c> (this machine only); containers set <c>0.0.0.0</c> so
    /// probes can reach it.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Http:BindAddress is required.")]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Bearer token the labelling API asks for (<c>Authorization: Bearer …</c>). Never logged. Without one, the
    /// labelling page and API answer only requests from this machine (loopback), whatever <see cref="BindAddress"/> is.
    /// </summary>
    public string? Token { get; set; }
}
