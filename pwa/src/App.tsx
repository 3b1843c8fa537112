export function App() {
  return <main><h1>Mesh Node</h1></main>;
}
