using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>
/// Which types a process task can carry across the process boundary, and the code that writes and reads each: the
/// one answer the analyzer (can it?) and the generator (how?) share. Supported: every C# primitive, string,
/// decimal, enums, DateTime, DateTimeOffset, TimeSpan, Guid, byte[], arrays and List&lt;T&gt; of supported types, and
/// their nullable forms.
/// </summary>
internal static class ProcessCodec
{
    public const string SupportedTypes =
        "primitives, string, decimal, enums, DateTime, DateTimeOffset, TimeSpan, Guid, byte[], arrays and List<T> of those, and their nullable forms";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The innermost type the codec cannot carry, or null when <paramref name="type"/> is supported.</summary>
    public static ITypeSymbol? FindUnsupported(ITypeSymbol type) => Describe(type, 0, out var unsupported) is null ? unsupported : null;

    /// <summary>How to write a value of <paramref name="type"/> (a statement on <c>writer</c>) and read one back (an
    /// expression on <c>reader</c>), or null when it is not supported.</summary>
    public static (string Write, string Read)? Describe(ITypeSymbol type, string writer, string value, string reader)
    {
        var codec = Describe(type, 0, out _);
        return codec is null ? null : (codec.Value.Write(writer, value), codec.Value.Read(reader));
    }

    private static Codec? Describe(ITypeSymbol type, int depth, out ITypeSymbol? unsupported)
    {
        unsupported = null;
        string bang = type.IsReferenceType && type.NullableAnnotation != NullableAnnotation.Annotated ? "!" : "";
        string name = type.ToDisplayString(TypeFormat);

        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return Simple("Boolean");
            case SpecialType.System_Byte: return Simple("Byte");
            case SpecialType.System_SByte: return Simple("SByte");
            case SpecialType.System_Int16: return Simple("Int16");
            case SpecialType.System_UInt16: return Simple("UInt16");
            case SpecialType.System_Int32: return Simple("Int32");
            case SpecialType.System_UInt32: return Simple("UInt32");
            case SpecialType.System_Int64: return Simple("Int64");
            case SpecialType.System_UInt64: return Simple("UInt64");
            case SpecialType.System_IntPtr: return Simple("IntPtr");
            case SpecialType.System_UIntPtr: return Simple("UIntPtr");
            case SpecialType.System_Single: return Simple("Single");
            case SpecialType.System_Double: return Simple("Double");
            case SpecialType.System_Decimal: return Simple("Decimal");
            case SpecialType.System_Char: return Simple("Char");
            case SpecialType.System_DateTime: return Simple("DateTime");
            case SpecialType.System_String: return new Codec((w, v) => $"{w}.WriteString({v})", r => $"{r}.ReadString(){bang}");
        }

        if (type is IArrayTypeSymbol { Rank: 1 } array)
        {
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return new Codec((w, v) => $"{w}.WriteBytes({v})", r => $"{r}.ReadBytes(){bang}");
            }

            return Nested(array.ElementType, "Array", depth, bang, out unsupported) ?? Fail(type, ref unsupported);
        }

        if (type is not INamedTypeSymbol named)
        {
            unsupported = type;
            return null;
        }

        if (named.TypeKind == TypeKind.Enum && named.EnumUnderlyingType is { } underlying)
        {
            string method = Describe(underlying, depth, out _) is not null ? MethodSuffix(underlying.SpecialType) : "Int32";
            string underlyingName = underlying.ToDisplayString(TypeFormat);
            return new Codec((w, v) => $"{w}.Write{method}(({underlyingName}){v})", r => $"({name}){r}.Read{method}()");
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return Nested(named.TypeArguments[0], "Nullable", depth, "", out unsupported);
        }

        if (IsInNamespace(named, "System"))
        {
            switch (named.Name)
            {
                case "DateTimeOffset" when named.Arity == 0: return Simple("DateTimeOffset");
                case "TimeSpan" when named.Arity == 0: return Simple("TimeSpan");
                case "Guid" when named.Arity == 0: return Simple("Guid");
            }
        }

        if (named is { Name: "List", Arity: 1 } && IsInNamespace(named, "System", "Collections", "Generic"))
        {
            return Nested(named.TypeArguments[0], "List", depth, bang, out unsupported) ?? Fail(type, ref unsupported);
        }

        unsupported = type;
        return null;
    }

    /// <summary>A codec around another: <c>WriteArray</c>, <c>WriteList</c> or <c>WriteNullable</c> with the inner
    /// value's codec as a static lambda (parameters numbered by depth, so nested lambdas never clash).</summary>
    private static Codec? Nested(ITypeSymbol element, string kind, int depth, string bang, out ITypeSymbol? unsupported)
    {
        var codec = Describe(element, depth + 1, out unsupported);
        if (codec is null)
        {
            return null;
        }

        string elementName = element.ToDisplayString(TypeFormat);
        string w1 = "w" + (depth + 1), v1 = "v" + (depth + 1), r1 = "r" + (depth + 1);
        return new Codec(
            (w, v) => $"{w}.Write{kind}<{elementName}>({v}, static ({w1}, {v1}) => {codec.Value.Write(w1, v1)})",
            r => $"{r}.Read{kind}<{elementName}>(static {r1} => {codec.Value.Read(r1)}){bang}");
    }

    private static Codec? Fail(ITypeSymbol type, ref ITypeSymbol? unsupported)
    {
        unsupported ??= type;
        return null;
    }

    private static Codec Simple(string method) => new((w, v) => $"{w}.Write{method}({v})", r => $"{r}.Read{method}()");

    private static string MethodSuffix(SpecialType type) => type switch
    {
        SpecialType.System_Byte => "Byte",
        SpecialType.System_SByte => "SByte",
        SpecialType.System_Int16 => "Int16",
        SpecialType.System_UInt16 => "UInt16",
        SpecialType.System_UInt32 => "UInt32",
        SpecialType.System_Int64 => "Int64",
        SpecialType.System_UInt64 => "UInt64",
        _ => "Int32",
    };

    private static bool IsInNamespace(INamedTypeSymbol type, params string[] parts) =>
        type.ContainingType is null && KnownTypes.IsNamespace(type.ContainingNamespace, parts);

    /// <summary>Builds the write statement and the read expression for given writer, value and reader names.</summary>
    private readonly struct Codec(System.Func<string, string, string> write, System.Func<string, string> read)
    {
        public System.Func<string, string, string> Write { get; } = write;

        public System.Func<string, string> Read { get; } = read;
    }
}
