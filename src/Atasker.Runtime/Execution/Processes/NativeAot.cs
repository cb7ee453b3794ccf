using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Atasker;

/// <summary>Whether this process is a NativeAOT binary.</summary>
/// <remarks>
/// <see cref="RuntimeFeature.IsDynamicCodeSupported"/> cannot tell: a project with <c>PublishAot</c> sets it to false on
/// the JIT too (so <c>dotnet run</c> behaves like the published app). Only NativeAOT has no file behind CoreLib while
/// compiling no code at run time (a single-file JIT app also has no file, but compiles).
/// </remarks>
internal static class NativeAot
{
    private static readonly bool s_isActive = Detect();

    public static bool IsActive => s_isActive;

    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is exactly what is tested for.")]
    private static bool Detect() =>
        !RuntimeFeature.IsDynamicCodeCompiled && string.IsNullOrEmpty(typeof(object).Assembly.Location);
}
