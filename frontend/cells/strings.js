// Every word the cells show or announce, in the page's language (../shared/language.js).
// English is the fallback for a language not listed here. Numbers are written by
// ../shared/number.js (a decimal comma in Spanish).
import { formatNumber } from "../shared/number.js";

const isMac = typeof navigator !== "undefined" && /Mac|iP(hone|ad|od)/.test(navigator.platform || "");
const runKeys = { en: isMac ? "⌘+Enter" : "Ctrl+Enter", es: isMac ? "⌘+Intro" : "Ctrl+Intro" };

const list = (numbers, and) =>
  numbers.length === 1
    ? String(numbers[0])
    : `${numbers.slice(0, -1).join(", ")} ${and} ${numbers[numbers.length - 1]}`;

const seconds = (lang, ms) => formatNumber(lang, ms / 1000, 1);

const STRINGS = {
  en: {
    group: (n) => `Example ${n}`,
    run: "Run",
    runLabel: (n) => `Run example ${n}`,
    stop: "Stop",
    stopLabel: (n) => `Stop example ${n}`,
    reset: "Reset",
    resetLabel: "Reset every example of this page and restart Python",
    copy: "Copy",
    copyLabel: (n) => `Copy the code of example ${n}`,
    retry: "Retry",
    retryLabel: "Try loading Python again",
    editorLabel: (n) => `Python code of example ${n}, editable`,
    editorHelp: `${runKeys.en} runs. Tab indents; press Escape, then Tab, to leave the editor.`,
    outputLabel: (n) => `Output of example ${n}`,
    output: "Output",
    builtOutput: "Output when the page was built",
    loading: "Loading Python in your browser…",
    loadingLabel: "Loading Python",
    loadFailed: "Python could not be loaded in this browser, so the example cannot run here.",
    builtKept: "The output shown is the one checked when the page was built.",
    restarting: "Restarting Python…",
    running: "Running…",
    runningEarlier: (numbers) =>
      `Running ${numbers.length === 1 ? "example" : "examples"} ${list(numbers, "and")} first: ` +
      "this one may use what they define…",
    ranBefore: (n) => `Run before example ${n}, which may use what this one defines.`,
    done: (ms) => `Done in ${seconds("en", ms)} s.`,
    doneError: "Finished with an error: see the traceback in the output.",
    earlierError: (n) => `Example ${n}, run first, ended with an error.`,
    nothingToRun: "There is no code to run.",
    stopping: "Stopping…",
    stopped: "Stopped.",
    stoppedRestarting: "Stopped. Restarting Python with what earlier runs defined…",
    stoppedReady: "Stopped. Python is ready again, with what earlier runs defined.",
    stoppedReplayFailed:
      "Stopped. Python was restarted, but some earlier code failed to run again: press Reset to start afresh.",
    stoppedEarlier: (n) => `Stopped while running example ${n}.`,
    busy: "Another example of this page is running: wait for it, or stop it.",
    resetDone: "This page's examples are back to their original code, with a fresh Python.",
    resetting: "Resetting…",
    copied: "Code copied.",
    copyFailed: "Could not copy: select the code and copy it by hand.",
    truncated: (n) => `\n… output truncated (${n} more characters).\n`,
    hintModule:
      "Only Python's standard library, numpy and infotheory are available in the browser.",
    hintName:
      "A name is not defined. It may come from an example that failed or was stopped; " +
      "run that one again, or press Reset.",
    hintMemory: "The browser ran out of memory for Python. Press Reset to start afresh.",
  },
  es: {
    group: (n) => `Ejemplo ${n}`,
    run: "Ejecutar",
    runLabel: (n) => `Ejecutar el ejemplo ${n}`,
    stop: "Detener",
    stopLabel: (n) => `Detener el ejemplo ${n}`,
    reset: "Restablecer",
    resetLabel: "Restablecer todos los ejemplos de esta página y reiniciar Python",
    copy: "Copiar",
    copyLabel: (n) => `Copiar el código del ejemplo ${n}`,
    retry: "Reintentar",
    retryLabel: "Intentar cargar Python de nuevo",
    editorLabel: (n) => `Código Python del ejemplo ${n}, editable`,
    editorHelp: `${runKeys.es} ejecuta. Tab añade sangría; pulsa Escape y luego Tab para salir del editor.`,
    outputLabel: (n) => `Salida del ejemplo ${n}`,
    output: "Salida",
    builtOutput: "Salida al generar la página",
    loading: "Cargando Python en tu navegador…",
    loadingLabel: "Cargando Python",
    loadFailed: "No se pudo cargar Python en este navegador, así que el ejemplo no puede ejecutarse aquí.",
    builtKept: "La salida que se muestra es la comprobada al generar la página.",
    restarting: "Reiniciando Python…",
    running: "Ejecutando…",
    runningEarlier: (numbers) =>
      `Ejecutando antes ${numbers.length === 1 ? "el ejemplo" : "los ejemplos"} ${list(numbers, "y")}, ` +
      "cuyas definiciones puede usar este…",
    ranBefore: (n) => `Ejecutado antes del ejemplo ${n}, que puede usar lo que este define.`,
    done: (ms) => `Terminado en ${seconds("es", ms)} s.`,
    doneError: "Terminó con un error: mira la traza en la salida.",
    earlierError: (n) => `El ejemplo ${n}, ejecutado antes, terminó con un error.`,
    nothingToRun: "No hay código que ejecutar.",
    stopping: "Deteniendo…",
    stopped: "Detenido.",
    stoppedRestarting: "Detenido. Reiniciando Python con lo que definieron las ejecuciones anteriores…",
    stoppedReady: "Detenido. Python vuelve a estar listo, con lo que definieron las ejecuciones anteriores.",
    stoppedReplayFailed:
      "Detenido. Python se reinició, pero parte del código anterior no volvió a ejecutarse: pulsa Restablecer para empezar de nuevo.",
    stoppedEarlier: (n) => `Detenido mientras se ejecutaba el ejemplo ${n}.`,
    busy: "Se está ejecutando otro ejemplo de esta página: espera a que termine o detenlo.",
    resetDone: "Los ejemplos de esta página vuelven a su código original, con una sesión de Python nueva.",
    resetting: "Restableciendo…",
    copied: "Código copiado.",
    copyFailed: "No se pudo copiar: selecciona el código y cópialo a mano.",
    truncated: (n) => `\n… salida recortada (${n} caracteres más).\n`,
    hintModule:
      "En el navegador solo están disponibles la biblioteca estándar de Python, numpy e infotheory.",
    hintName:
      "Hay un nombre sin definir. Puede venir de un ejemplo que falló o se detuvo; " +
      "vuelve a ejecutarlo o pulsa Restablecer.",
    hintMemory: "El navegador se quedó sin memoria para Python. Pulsa Restablecer para empezar de nuevo.",
  },
};

export function strings(lang) {
  return STRINGS[lang] || STRINGS.en;
}
