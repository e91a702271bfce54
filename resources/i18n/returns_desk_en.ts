<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>ReturnsLogPage</name>
    <message numerus="yes">
        <source>%n return(s)</source>
        <translation>
            <numerusform>%n return</numerusform>
            <numerusform>%n returns</numerusform>
        </translation>
    </message>
</context>
</TS>
