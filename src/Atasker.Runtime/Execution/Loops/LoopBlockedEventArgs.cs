using System;

namespace Atasker;

/// <summary>
/// An async loop whose thread was still inside a callback (an async body that blocks instead of awaiting) when a stop
/// that cancels tasks gave up waiting for it: see <see cref="TaskSupervisor.LoopBlocked"/>.
/// </summary>
public sealed class LoopBlockedEventArgs : EventArgs
{
    internal LoopBlockedEventArgs(AsyncLoop loop, int abandoned, TimeSpan grace)
    {
        Loop = loop;
        Abandoned = abandoned;
        Grace = grace;
    }

    /// <summary>The loop. Its handles have all ended; <see cref="TaskSupervisor.Start"/> gives it a new thread.</summary>
    public AsyncLoop Loop { get; }

    /// <summary>How many of its tasks the stop ended as canceled without their bodies' help.</summary>
    public int Abandoned { get; }

    /// <summary>How long the stop waited for the loop before giving up on it.</summary>
    public TimeSpan Grace { get; }
}
