namespace Atasker.Benchmarks.Quick;

/// <summary>How long the quick mode measures: <c>--rounds N</c>, <c>--scale F</c> (operations per round) and
/// <c>--only NAME</c> (one comparison: noop, one-slot, critical, async, contention, queue, stub, process, timers, saturated, blocking; remote, with a broker) and <c>--aot-worker PATH</c>
/// (a NativeAOT app to time as a cold-started worker).</summary>
internal sealed record QuickOptions(int WarmupRounds, int Rounds, double Scale, string? Only, string? AotWorker = null)
{
    public static QuickOptions Parse(string[] args)
    {
        int rounds = 21;
        double scale = 1;
        string? only = null;
        string? aotWorker = null;
        for (int i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--rounds")
            {
                rounds = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--aot-worker")
            {
                aotWorker = args[i + 1];
            }
            else if (args[i] == "--only")
            {
                only = args[i + 1];
            }
            else if (args[i] == "--scale")
            {
                scale = double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return new QuickOptions(WarmupRounds: Math.Max(3, rounds / 2), rounds, scale, only, aotWorker);
    }

    public int Ops(int baseline) => Math.Max(100, (int)(baseline * Scale));
}
