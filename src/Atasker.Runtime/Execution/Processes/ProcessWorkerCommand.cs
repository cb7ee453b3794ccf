using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Atasker;

/// <summary>
/// How a supervisor starts its worker processes. The default, <see cref="ForCurrentApp"/>, restarts the app's own
/// executable in worker mode: an apphost, <c>dotnet app.dll</c>, or a NativeAOT binary alike.
/// </summary>
/// <param name="FileName">The file to execute.</param>
/// <param name="Arguments">Its arguments.</param>
public sealed record ProcessWorkerCommand(string FileName, IReadOnlyList<string> Arguments)
{
    private static readonly Gate s_configGate = new();
    private static string? s_hookEnabledConfig;

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
        if (NativeAot.IsActive)
        {
            return new ProcessWorkerCommand(processPath, []);
        }

        string hook = typeof(ProcessWorkerCommand).Assembly.Location;
        if (hook.Length == 0)
        {
            throw new InvalidOperationException("Atasker.dll has no file path (a single-file app?), so worker processes cannot be started; publish with NativeAOT or set TaskSupervisor.ProcessWorkerCommand.");
        }

        string entry = Assembly.GetEntryAssembly()?.Location ?? "";
        if (AppContext.TryGetSwitch("System.StartupHookProvider.IsSupported", out bool hooksSupported) && !hooksSupported && entry.Length > 0)
        {
            // The app turned startup hooks off (a PublishAot project does, even on the JIT): start it through the
            // dotnet host with a copy of its runtime configuration that allows them.
            return new ProcessWorkerCommand(DotnetHost(), ["exec", "--runtimeconfig", HookEnabledRuntimeConfig(entry), .. DepsFile(entry), entry])
            {
                StartupHookAssembly = hook,
            };
        }

        if (!IsDotnetHost(processPath))
        {
            return new ProcessWorkerCommand(processPath, []) { StartupHookAssembly = hook };
        }

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

        return new ProcessWorkerCommand(DotnetHost(), [fullPath]) { StartupHookAssembly = hook };
    }

    /// <inheritdoc />
    public override string ToString() => Arguments.Count == 0 ? FileName : $"{FileName} {string.Join(" ", Arguments)}";

    /// <summary>The dotnet host: the SDK's (when under it), the one running us, or the one of the runtime we run on.</summary>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "Used on the JIT only, where CoreLib has a path.")]
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } sdkHost)
        {
            return sdkHost;
        }

        if (Environment.ProcessPath is { } path && IsDotnetHost(path))
        {
            return path;
        }

        // CoreLib lives in <root>/shared/Microsoft.NETCore.App/<version>/; the host is <root>/dotnet.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location);
        string? root = runtime is null ? null : Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string candidate = root is null ? "" : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static string[] DepsFile(string entry)
    {
        string deps = Path.ChangeExtension(entry, ".deps.json");
        return File.Exists(deps) ? ["--depsfile", deps] : [];
    }

    /// <summary>Writes (once per process) a copy of the app's runtime configuration with startup hooks allowed.</summary>
    private static string HookEnabledRuntimeConfig(string entry)
    {
        lock (s_configGate)
        {
            if (s_hookEnabledConfig is not null)
            {
                return s_hookEnabledConfig;
            }

            string original = Path.ChangeExtension(entry, ".runtimeconfig.json");
            var root = File.Exists(original) ? JsonNode.Parse(File.ReadAllText(original)) as JsonObject ?? [] : [];
            var options = root["runtimeOptions"] as JsonObject ?? [];
            root["runtimeOptions"] = options;
            var properties = options["configProperties"] as JsonObject ?? [];
            options["configProperties"] = properties;
            properties["System.StartupHookProvider.IsSupported"] = true;

            string copy = Path.Combine(Path.GetTempPath(), $"atasker-{Environment.ProcessId}-{Path.GetFileNameWithoutExtension(entry)}.runtimeconfig.json");
            File.WriteAllText(copy, root.ToJsonString());
            AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(copy);
            return s_hookEnabledConfig = copy;
        }
    }

    private static bool IsDotnetHost(string path) =>
        string.Equals(Path.GetFileNameWithoutExtension(path), "dotnet", StringComparison.OrdinalIgnoreCase);
}
