using System.Net;
using System.Net.Sockets;

namespace StreamNlp.IntegrationTests.Telemetry;

/// <summary>A TCP port nobody listens on right now, for a test host's HTTP endpoint.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
