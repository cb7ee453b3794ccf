using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Atasker;

/// <summary>
/// How a supervisor starts its worker processes. The default, <see cref="ForCurrentApp"/>, restarts the app's own
/// executable in worker mode: an apphost, <c>dotnet app.dll</c>, or a NativeAOT binary alike.
/// </summary>
/// <param name="FileName">The file to execute.</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record ProcessWorkerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>
    /// The worker's own <c>Atasker.dll</c>, set as its startup hook when it runs on the JIT (the hook enters worker mode
    /// before <c>Main</c>); null for a NativeAOT worker, which enters from its generated module initializer.
    /// </summary>
    public string? StartupHookAssembly { get; init; }

    /// <summary>The app's own executable: the running NativeAOT binary or apphost, or the <c>dotnet</c> host with the
    /// entry assembly when the app was started as <c>dotnet app.dll</c>.</summary>
    /// <exception cref="InvalidOperationException">The process path or entry assembly cannot be found (e.g. a
    /// single-file app that is not NativeAOT, where process tasks are not supported).</exception>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Only read when the app runs on the JIT; an empty path is reported as an error.")]
    public static ProcessWorkerCommand ForCurrentApp()
    {
        string processPath = Environment.ProcessPath
            ?? throw new InvalidOperationException("The path of the current executable is unknown, so worker processes cannot be started; set TaskSupervisor.ProcessWorkerCommand.");
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            return new ProcessWorkerCommand(processPath, []);
        }

        string hook = typeof(ProcessWorkerCommand).Assembly.Location;
        if (hook.Length == 0)
        {
            throw new InvalidOperationException("Atasker.dll has no file path (a single-file app?), so worker processes cannot be started; publish with NativeAOT or set TaskSupervisor.ProcessWorkerCommand.");
        }

        if (!IsDotnetHost(processPath))
        {
            return new ProcessWorkerCommand(processPath, []) { StartupHookAssembly = hook };
        }

        string entry = Assembly.GetEntryAssembly()?.Location ?? "";
        if (entry.Length == 0)
        {
            throw new InvalidOperationException("The entry assembly has no file path (a single-file app?), so worker processes cannot be started; publish with NativeAOT or set TaskSupervisor.ProcessWorkerCommand.");
        }

        return new ProcessWorkerCommand(processPath, [entry]) { StartupHookAssembly = hook };
    }

    /// <summary>A managed executable started with the <c>dotnet</c> host: <c>dotnet assemblyPath</c>. Useful when the
    /// process tasks live in a library and a small worker app references it (tests do this).</summary>
    /// <param name="assemblyPath">The worker app's main assembly.</param>
    /// <exception cref="FileNotFoundException">There is no Atasker.dll beside the assembly.</exception>
    public static ProcessWorkerCommand ForAssembly(string assemblyPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        string fullPath = Path.GetFullPath(assemblyPath);
        string hook = Path.Combine(Path.GetDirectoryName(fullPath) ?? ".", "Atasker.dll");
        if (!File.Exists(hook))
        {
            throw new FileNotFoundException($"The worker app '{fullPath}' has no Atasker.dll beside it; build it with a reference to Atasker.", hook);
        }

        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (Environment.ProcessPath is { } path && IsDotnetHost(path) ? path : "dotnet");
        return new ProcessWorkerCommand(host, [fullPath]) { StartupHookAssembly = hook };
    }

    /// <inheritdoc />
    public override string ToString() => Arguments.Count == 0 ? FileName : $"{FileName} {string.Join(" ", Arguments)}";

    private static bool IsDotnetHost(string path) =>
        string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);
}
