using System.Runtime.InteropServices;

namespace Mesh.Node.Tests.Infrastructure;

public static partial class Signals
{
    public const int Interrupt = 2;
    public const int Terminate = 15;
    public const int KillNow = 9;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int processId, int signal)
    {
        if (kill(processId, signal) != 0) throw new InvalidOperationException($"kill({processId}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
