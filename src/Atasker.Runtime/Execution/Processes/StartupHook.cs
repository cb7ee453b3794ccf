using System;
using System.Reflection;
using System.Runtime.CompilerServices;
using Atasker;
using Atasker.CompilerServices;

/// <summary>
/// The entry of a worker process on the JIT. The parent sets this assembly as the child's startup hook, so the runtime
/// calls <see cref="Initialize"/> before <c>Main</c>, outside any type initializer (where blocking is safe). It runs
/// the entry assembly's module initializer (which registers the generated dispatchers), serves the parent, and exits:
/// <c>Main</c> never runs in a worker. In any other process it does nothing.
/// </summary>
internal static class StartupHook
{
    /// <summary>Called by the runtime.</summary>
    public static void Initialize()
    {
        if (!ProcessWorkerHost.IsWorkerProcess || Assembly.GetEntryAssembly() is not { } entry)
        {
            return;
        }

        RuntimeHelpers.RunModuleConstructor(entry.ManifestModule.ModuleHandle);
        Environment.Exit(ProcessWorkerHost.Run());
    }
}
