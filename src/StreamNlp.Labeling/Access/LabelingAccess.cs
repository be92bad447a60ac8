using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StreamNlp.Labeling.Access;

/// <summary>
/// Who may use the labelling page and API. With a token (<c>StreamNlp:Http:Token</c>), API calls must carry
/// <c>Authorization: Bearer &lt;token&gt;</c> (compared in constant time; the token is never logged). Without
/// one, page and API answer only requests from this machine (loopback), whatever address the shared host
/// listens on (containers listen on 0.0.0.0 for their probes).
/// </summary>
public sealed class LabelingAccess(string? token, ILogger logger)
{
    private readonly byte[]? _token = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    public bool HasToken => _token is not null;

    /// <summary>Null when the request may go on; else the answer (401 or 403).</summary>
    public IResult? Check(HttpContext context, bool needsToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_token is null)
        {
            if (IsLoopback(context.Connection.RemoteIpAddress))
            {
                return null;
            }

            LabelingLog.Refused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", "not from this machine and no StreamNlp:Http:Token is set");
            return Results.Problem(
                detail: "the labelling page answers only this machine unless StreamNlp:Http:Token is set",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        if (!needsToken || TokenMatches(context.Request.Headers.Authorization.ToString()))
        {
            return null;
        }

        LabelingLog.Refused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", "missing or wrong bearer token");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            detail: "send Authorization: Bearer <StreamNlp:Http:Token>", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }

    private bool TokenMatches(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, _token);
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
