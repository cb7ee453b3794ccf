// The mutual-exclusion object of a lock that never waits on a condition (no Monitor.Wait / Pulse): on .NET 9 and later
// System.Threading.Lock, a lock object without a sync block (cheaper to take, no object header inflation), on .NET 8
// a plain object. Locks that wait on a condition keep a plain object on every target.
#if NET9_0_OR_GREATER
global using Gate = System.Threading.Lock;
#else
global using Gate = System.Object;
#endif

namespace Atasker
{
    /// <summary>Checks of lock ownership for Debug.Assert, on either kind of gate.</summary>
    internal static class Gates
    {
#if NET9_0_OR_GREATER
        /// <summary>Whether the current thread holds <paramref name="gate"/>.</summary>
        public static bool IsHeld(System.Threading.Lock gate) => gate.IsHeldByCurrentThread;
#endif

        /// <summary>Whether the current thread holds <paramref name="gate"/>, a lock on a plain object.</summary>
        public static bool IsHeld(object gate) => System.Threading.Monitor.IsEntered(gate);
    }
}
