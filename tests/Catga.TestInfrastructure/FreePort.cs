using System.Net;
using System.Net.Sockets;

namespace Catga.TestInfrastructure;

/// <summary>Hands out loopback TCP ports that are free right now, for the server processes tests start.</summary>
public static class FreePort
{
    /// <summary>Returns a port nothing listens on at the moment of the call.</summary>
    /// <returns>The port.</returns>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
