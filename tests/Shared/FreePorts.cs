using System.Net.Sockets;

namespace HealingGrains.Testing;

/// <summary>
/// Loopback ports for the processes tests start, taken below the kernel's ephemeral range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>). A port the kernel handed out (binding port 0) is one it may hand out
/// again, as the source port of any outgoing connection: a silo killed and started again on its port once found it
/// taken ("address already in use") while the survivors were reconnecting.
/// </summary>
public static class FreePorts
{
    private const int Lowest = 20_000;

    /// <summary>A port nothing listens on now, outside the range outgoing connections take theirs from.</summary>
    public static int Next()
    {
        var (ephemeralStart, _) = EphemeralRange();
        var highest = Math.Min(ephemeralStart, 65_536) - 1;
        for (var attempt = 0; attempt < 200 && highest > Lowest; attempt++)
        {
            var port = Random.Shared.Next(Lowest, highest + 1);
            if (IsFree(port))
            {
                return port;
            }
        }

        // A machine whose ephemeral range starts low: the kernel's choice, as before.
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Start, int End) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32_768, 60_999);
        }
    }
}
