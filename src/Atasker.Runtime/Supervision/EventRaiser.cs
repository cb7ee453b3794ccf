using System;

namespace Atasker;

/// <summary>Raises an event to every handler, even when one of them throws: an observer's failure must not break the
/// component that reports to it, nor keep the other observers from hearing.</summary>
internal static class EventRaiser
{
    public static void Raise<TArgs>(EventHandler<TArgs>? handlers, object sender, TArgs args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)handler)(sender, args);
            }
#pragma warning disable CA1031 // A failing observer is ignored, by design.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
