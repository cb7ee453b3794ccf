using System.Runtime;

namespace Atasker.Benchmarks.Quick;

/// <summary>
/// Runs every selected comparison, small and unrecorded, until the JIT stops compiling new code: tiered compilation
/// promotes hot methods in the background, and a measurement taken while it still does measures the JIT too.
/// </summary>
internal static class Warmup
{
    public static void UntilJitSettles(Action pass, int maxPasses = 12)
    {
        long compiled = -1;
        for (int i = 0; i < maxPasses; i++)
        {
            pass();
            long now = JitInfo.GetCompiledMethodCount(currentThread: false);
            if (now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }
}
