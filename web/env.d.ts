/// <reference types="vite/client" />
// Vite's own types for the page: a component imports its stylesheet (`import "./videos.css"`).
